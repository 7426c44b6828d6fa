"""English: the shop's biggest market and the language of the global pages."""

from inbox.demo.content import Language, Name, Post, Story, Surname

EN = Language(
    code="en",
    locale="en_GB",
    male=(
        Name("James", "james"),
        Name("Tom", "tom"),
        Name("Daniel", "dan"),
        Name("Marcus", "marcus"),
        Name("Oliver", "ollie"),
        Name("Sam", "sam"),
    ),
    female=(
        Name("Emma", "emma"),
        Name("Priya", "priya"),
        Name("Sophie", "sophie"),
        Name("Hannah", "hannah"),
        Name("Chloe", "chloe"),
        Name("Grace", "grace"),
    ),
    surnames=(
        Surname("Walker", "Walker", "walker"),
        Surname("O'Brien", "O'Brien", "obrien"),
        Surname("Shah", "Shah", "shah"),
        Surname("Fletcher", "Fletcher", "fletcher"),
        Surname("Turner", "Turner", "turner"),
        Surname("Kim", "Kim", "kim"),
        Surname("Reid", "Reid", "reid"),
        Surname("Morgan", "Morgan", "morgan"),
        Surname("Hughes", "Hughes", "hughes"),
        Surname("Patel", "Patel", "patel"),
    ),
    direct=(
        Story(
            "delivery",
            "complaint",
            (
                "Hi, I ordered two bags of Aegean Blend last Monday (order #48213) and it "
                "still hasn't arrived.",
                "Tracking hasn't moved since Wednesday. Can someone check what's going on please?",
            ),
            "Hi {first}, sorry about the wait! I checked order #48213: the parcel got stuck at "
            "the courier's depot. They'll deliver it tomorrow, and I've refunded the shipping fee.",
            "Thanks, that's really helpful 🙏",
        ),
        Story(
            "product",
            "question",
            ("Hello! Is the Morning Sun espresso OK for a moka pot or is it too dark?",),
            "Hi {first}! It works nicely in a moka pot: pick the 'moka' grind at checkout, or "
            "grind it a little finer than for filter.",
            "Perfect, ordering now.",
        ),
        Story(
            "delivery",
            "complaint",
            (
                "The bag arrived torn and half the beans were loose in the box 😕",
                "Here's a photo",
            ),
            "That's not how it should arrive, {first}, sorry! A new bag goes out to you today, "
            "free of charge, and there's no need to send anything back.",
            photo=True,
        ),
        Story(
            "refund",
            "complaint",
            (
                "I cancelled my Helios Club subscription in March but I was charged again this "
                "month. I'd like a refund.",
            ),
            "You're right, {first}: the cancellation didn't go through on our side. I've "
            "refunded this month's charge (3-5 working days) and closed the subscription.",
            "OK, thanks for sorting it out quickly.",
        ),
        Story(
            "product",
            "question",
            ("Do you sell gift cards? Need something for my dad's birthday on Saturday.",),
            "We do, {first}! Digital gift cards from £15 arrive by email within minutes: "
            "helioscoffee.example/gift",
            "Great, thank you!",
        ),
        Story(
            "wholesale",
            "question",
            (
                "Hi, I run a small bakery in Leeds and we're looking for a new coffee supplier. "
                "Do you do wholesale? Roughly 10 kg a week.",
            ),
            "Hi {first}, thanks for thinking of us! Yes, we supply cafés and bakeries. I've "
            "passed your message to our wholesale team; they'll call you this week with prices "
            "and samples.",
        ),
    ),
    comments=(
        Story(
            "product",
            "question",
            ("Is this one available as decaf?",),
            "Not yet, {first}, but a decaf Aegean is planned for spring!",
        ),
        Story(
            "praise",
            "praise",
            ("Tried it this morning, absolutely delicious. Best blend you've made so far ☕",),
            "Thank you {first}, that made the roasters' day! 🧡",
        ),
        Story(
            "delivery",
            "complaint",
            ("Shame your delivery takes a week. Ordered on the 2nd and I'm still waiting.",),
            "Sorry {first}, that's far too long. Could you send us your order number in a "
            "private message so we can check?",
            "Sent!",
        ),
        Story(
            "jobs",
            "question",
            ("Do you hire part-time too? I'm a student and mornings are hard 😅",),
            "We do, {first}! Afternoon and weekend shifts are open too, just mention it in "
            "your application.",
            post=1,
        ),
    ),
    reviews=(
        Story(
            "praise",
            "praise",
            (
                "Lovely staff and the best flat white in town. The oat milk doesn't taste like "
                "cardboard for once!",
            ),
            "Thank you so much, {first}! We'll pass it on to the team.",
        ),
        Story(
            "delivery",
            "complaint",
            (
                "Ordered beans as a present, they came a week late and nobody answered my "
                "emails. Not recommended.",
            ),
            "We're sorry, {first}. That's not the service we want to give; we've sent you a "
            "message to put it right.",
        ),
        Story(
            "praise",
            "praise",
            (
                "The subscription is great value: fresh beans every two weeks and easy to "
                "pause when I travel.",
            ),
            "Thanks for the kind words, {first}!",
        ),
    ),
    mentions=(
        Story(
            "website",
            "complaint",
            ("{handle} your website keeps logging me out at checkout, tried three times now 😤",),
            "Sorry about that! It's a known issue with some browsers and we're on it. Send us "
            "your email in a DM and we'll complete the order for you.",
        ),
        Story(
            "praise",
            "praise",
            ("Morning ritual sorted thanks to {handle} ☕☀️",),
            "Love to see it! Enjoy ☀️",
        ),
        Story(
            "delivery",
            "question",
            ("Hey {handle}, any plans to ship to Ireland?",),
            "Yes, {first}! Shipping to Ireland starts next month. Watch this space.",
        ),
    ),
    posts=(
        Post(
            "New in: Aegean Blend 🌊 Citrus, honey and a long cocoa finish. Roasted this week, "
            "in the shop now.",
            "Aegean Blend",
            "#1d4ed8",
        ),
        Post(
            "We're hiring baristas for our new café! No experience needed, just a love of "
            "coffee. Send us your CV ☕",
            "We're hiring",
            "#b45309",
        ),
    ),
)
