"""What the Facebook simulator's customers write, one table per language.

Customer-care traffic for a shop that sells online and in stores: orders, refunds,
delivery delays, praise, questions. Texts avoid first-person forms that agree with the
speaker's gender (Russian, Belarusian and Hebrew past tenses, Greek adjectives), because
the simulator pairs them with names at random.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Content:
    code: str
    names: tuple[str, ...]
    # A customer's first Messenger message, then what the same customer writes later.
    openers: tuple[str, ...]
    follow_ups: tuple[str, ...]
    # The text a customer sends right after a photo.
    photo_captions: tuple[str, ...]
    # (title, payload) of the quick-reply chips and postback buttons the Page offers.
    quick_replies: tuple[tuple[str, str], ...]
    postbacks: tuple[tuple[str, str], ...]
    # (as first sent, as corrected with Messenger's edit).
    edits: tuple[tuple[str, str], ...]
    # The Page's own posts, the comments under them and the replies under a comment.
    posts: tuple[str, ...]
    comments: tuple[str, ...]
    replies: tuple[str, ...]
    visitor_posts: tuple[str, ...]
    positive_reviews: tuple[str, ...]
    negative_reviews: tuple[str, ...]

    def texts(self) -> set[str]:
        """Every text a customer of this language may send (the tests tell languages apart)."""
        return {
            *self.openers,
            *self.follow_ups,
            *self.photo_captions,
            *(title for title, _ in self.quick_replies),
            *(title for title, _ in self.postbacks),
            *(text for pair in self.edits for text in pair),
            *self.comments,
            *self.replies,
            *self.visitor_posts,
            *self.positive_reviews,
            *self.negative_reviews,
        }


EN = Content(
    code="en",
    names=(
        "Dana Kowalski",
        "Sam Ortega",
        "Priya Nair",
        "Tom Becker",
        "Grace O'Neill",
        "Marcus Reed",
    ),
    openers=(
        "Hi! My order #48213 still hasn't arrived and the tracking hasn't moved since Tuesday. "
        "Can you check?",
        "Hello, I'd like a refund for order #51874, the size doesn't fit.",
        "Do you ship to Cyprus? I couldn't find it at checkout.",
        "Hi, I was charged twice for the same order. Could someone look into it?",
        "Is the 40 L backpack back in stock in green?",
        "Can I change the delivery address on an order I placed this morning?",
        "The courier says the parcel was delivered but there's nothing at my door.",
    ),
    follow_ups=(
        "Any news on this?",
        "The order number is #48213, in case you need it.",
        "Thanks, that was quick!",
        "Sorry, one more thing: could you send me the invoice too?",
        "It's been two days and still nothing.",
        "Perfect, I'll wait for the courier then.",
    ),
    photo_captions=(
        "This is how the box arrived.",
        "Here's the receipt.",
        "The label on the parcel, if that helps.",
    ),
    quick_replies=(
        ("Where is my order?", "ORDER_STATUS"),
        ("Returns and refunds", "RETURNS"),
        ("Talk to a person", "HUMAN_AGENT"),
    ),
    postbacks=(
        ("Get Started", "GET_STARTED"),
        ("Track my order", "TRACK_ORDER"),
        ("Talk to an agent", "HANDOFF_HUMAN"),
    ),
    edits=(
        ("My order number is #48312", "My order number is #48213"),
        ("I need the size L", "I need the size M, sorry"),
        ("Can I pick it up tomorow morning?", "Can I pick it up tomorrow morning?"),
    ),
    posts=(
        "Our autumn collection is here: new jackets, boots and backpacks. "
        "Free delivery on orders over €50 this week!",
        "We're opening a new shop on Harbour Street this Saturday. Come by for 10% off!",
    ),
    comments=(
        "Still waiting for my refund, order #5531. Nobody answers my messages.",
        "Does this come in other colours?",
        "Love it! Two of them are already in my basket 😍",
        "How long does delivery to Manchester take?",
        "Is this in the shop too or only online?",
    ),
    replies=(
        "Same here, mine took almost two weeks.",
        "Thanks for the quick answer!",
        "Sent you a message with my order number.",
        "Any update on this?",
    ),
    visitor_posts=(
        "Huge thanks to the team for replacing my broken order within a day. That's service!",
        "Does anyone know if the shop is open on Sunday? The website says two different things.",
        "Ordered three weeks ago, paid, and still no parcel and no answer.",
    ),
    positive_reviews=(
        "Fast delivery and friendly staff. Will order again.",
        "Exactly as described, and they answered my questions within minutes.",
    ),
    negative_reviews=(
        "Delivery took three weeks and no one replied to my emails.",
        "The item arrived damaged and the refund is still pending after a month.",
    ),
)

EL = Content(
    code="el",
    names=(
        "Μαρία Παπαδοπούλου",
        "Γιώργος Νικολάου",
        "Ελένη Γεωργίου",
        "Νίκος Δημητρίου",
        "Κατερίνα Ιωάννου",
        "Δημήτρης Αλεξίου",
    ),
    openers=(
        "Καλησπέρα! Η παραγγελία μου #48213 δεν έχει έρθει ακόμα και η αποστολή δεν έχει "
        "ενημερωθεί από την Τρίτη.",
        "Γεια σας, θα ήθελα επιστροφή χρημάτων για την παραγγελία #51874, το μέγεθος δεν μου "
        "κάνει.",
        "Κάνετε αποστολές στην Κύπρο;",
        "Με χρεώσατε δύο φορές για την ίδια παραγγελία. Μπορείτε να το ελέγξετε;",
        "Υπάρχει ξανά διαθέσιμο το σακίδιο των 40 λίτρων σε πράσινο;",
        "Μπορώ να αλλάξω τη διεύθυνση αποστολής σε μια παραγγελία που έκανα σήμερα το πρωί;",
        "Ο κούριερ λέει ότι το δέμα παραδόθηκε, αλλά δεν βρήκα τίποτα στην πόρτα μου.",
    ),
    follow_ups=(
        "Υπάρχει κάποιο νέο;",
        "Ο αριθμός παραγγελίας είναι #48213, αν τον χρειάζεστε.",
        "Ευχαριστώ πολύ, ήταν γρήγορο!",
        "Συγγνώμη, κάτι ακόμα: μπορείτε να μου στείλετε και το τιμολόγιο;",
        "Πέρασαν δύο μέρες και ακόμα τίποτα.",
    ),
    photo_captions=(
        "Έτσι έφτασε το κουτί.",
        "Η απόδειξη.",
        "Η ετικέτα του δέματος, μήπως βοηθάει.",
    ),
    quick_replies=(
        ("Πού είναι η παραγγελία μου;", "ORDER_STATUS"),
        ("Επιστροφές και αποζημιώσεις", "RETURNS"),
        ("Θέλω να μιλήσω με κάποιον", "HUMAN_AGENT"),
    ),
    postbacks=(
        ("Ξεκινήστε", "GET_STARTED"),
        ("Παρακολούθηση παραγγελίας", "TRACK_ORDER"),
        ("Μιλήστε με έναν εκπρόσωπο", "HANDOFF_HUMAN"),
    ),
    edits=(
        ("Ο αριθμός παραγγελίας είναι #48312", "Ο αριθμός παραγγελίας είναι #48213"),
        ("Χρειάζομαι το μέγεθος L", "Χρειάζομαι το μέγεθος M, συγγνώμη"),
    ),
    posts=(
        "Η φθινοπωρινή συλλογή έφτασε: νέα μπουφάν, μπότες και σακίδια. "
        "Δωρεάν αποστολή για παραγγελίες άνω των 50 € αυτή την εβδομάδα!",
        "Το Σάββατο ανοίγουμε νέο κατάστημα στην οδό Ερμού. Ελάτε για έκπτωση 10%!",
    ),
    comments=(
        "Περιμένω ακόμα την επιστροφή χρημάτων, παραγγελία #5531. Κανείς δεν απαντά.",
        "Υπάρχει και σε άλλα χρώματα;",
        "Τέλειο! Έχω ήδη δύο στο καλάθι 😍",
        "Πόσο κάνει η αποστολή στη Θεσσαλονίκη;",
        "Το έχετε και στο κατάστημα ή μόνο online;",
    ),
    replies=(
        "Κι εμένα άργησε σχεδόν δύο εβδομάδες.",
        "Ευχαριστώ για τη γρήγορη απάντηση!",
        "Σας έστειλα μήνυμα με τον αριθμό παραγγελίας.",
        "Κάποιο νέο;",
    ),
    visitor_posts=(
        "Ευχαριστώ πολύ την ομάδα που μου αντικατέστησε την παραγγελία μέσα σε μία μέρα!",
        "Ξέρει κανείς αν το κατάστημα είναι ανοιχτό την Κυριακή;",
        "Παρήγγειλα πριν από τρεις εβδομάδες και ακόμα δεν έχω ούτε δέμα ούτε απάντηση.",
    ),
    positive_reviews=(
        "Γρήγορη παράδοση και πολύ ευγενικό προσωπικό. Θα ξαναπαραγγείλω.",
        "Ακριβώς όπως στην περιγραφή, και απάντησαν στις ερωτήσεις μου αμέσως.",
    ),
    negative_reviews=(
        "Η παράδοση πήρε τρεις εβδομάδες και κανείς δεν απάντησε στα email μου.",
        "Το προϊόν ήρθε χαλασμένο και περιμένω ακόμα την επιστροφή των χρημάτων.",
    ),
)

# Belarusian, not Russian: замова, дзякуй, калі ласка.
BE = Content(
    code="be",
    names=(
        "Алеся Карпенка",
        "Янка Мароз",
        "Вольга Жук",
        "Андрэй Бабровіч",
        "Марына Сакалова",
        "Павел Навіцкі",
    ),
    openers=(
        "Добры дзень! Мая замова №48213 дагэтуль не прыйшла, а трэк-нумар не абнаўляецца "
        "з аўторка.",
        "Вітаю! Хачу вярнуць грошы за замову №51874: памер не падышоў.",
        "Ці дастаўляеце вы ў Гродна?",
        "З карткі двойчы спісалі грошы за адну замову. Праверце, калі ласка.",
        "Ці ёсць зноў у продажы заплечнік на 40 літраў зялёнага колеру?",
        "Ці можна змяніць адрас дастаўкі ў замове, аформленай сёння раніцай?",
        "Кур'ер піша, што пасылка дастаўлена, але каля дзвярэй нічога няма.",
    ),
    follow_ups=(
        "Ёсць якія-небудзь навіны?",
        "Нумар замовы — №48213, калі трэба.",
        "Дзякуй, вельмі хутка!",
        "Прабачце, яшчэ пытанне: ці можна атрымаць і рахунак?",
        "Прайшло ўжо два дні, а нічога не змянілася.",
    ),
    photo_captions=(
        "Вось у такім выглядзе прыйшла скрынка.",
        "Вось чэк.",
        "Наклейка з пасылкі, можа, дапаможа.",
    ),
    quick_replies=(
        ("Дзе мая замова?", "ORDER_STATUS"),
        ("Вяртанне тавару і грошай", "RETURNS"),
        ("Пагаварыць з чалавекам", "HUMAN_AGENT"),
    ),
    postbacks=(
        ("Пачаць", "GET_STARTED"),
        ("Адсачыць замову", "TRACK_ORDER"),
        ("Звязацца з аператарам", "HANDOFF_HUMAN"),
    ),
    edits=(
        ("Нумар замовы — №48312", "Нумар замовы — №48213"),
        ("Мне патрэбны памер L", "Мне патрэбны памер M, прабачце"),
    ),
    posts=(
        "Восеньская калекцыя ўжо ў продажы: новыя курткі, боты і заплечнікі. "
        "Бясплатная дастаўка для замоў ад 50 € на гэтым тыдні!",
        "У суботу адкрываем новую краму на вуліцы Кастрычніцкай. Прыходзьце па зніжку 10%!",
    ),
    comments=(
        "Дагэтуль чакаю вяртання грошай за замову №5531. Ніхто не адказвае.",
        "А ці ёсць іншыя колеры?",
        "Вельмі прыгожа! Ужо дзве ў кошыку 😍",
        "Колькі ідзе дастаўка ў Брэст?",
        "Гэта ёсць у краме ці толькі ў інтэрнэце?",
    ),
    replies=(
        "У мяне таксама дастаўка ішла амаль два тыдні.",
        "Дзякуй за хуткі адказ!",
        "Нумар замовы ў асабістых паведамленнях.",
        "Ёсць навіны?",
    ),
    visitor_posts=(
        "Вялікі дзякуй камандзе: замову замянілі за адзін дзень!",
        "Ці ведае хто-небудзь, ці працуе крама ў нядзелю?",
        "Замова аплачана тры тыдні таму, а пасылкі і адказу дагэтуль няма.",
    ),
    positive_reviews=(
        "Хуткая дастаўка і ветлівы персанал. Буду замаўляць яшчэ.",
        "Усё як у апісанні, на пытанні адказалі за некалькі хвілін.",
    ),
    negative_reviews=(
        "Дастаўка заняла тры тыдні, на лісты ніхто не адказаў.",
        "Тавар прыйшоў пашкоджаны, а грошы не вярнулі і праз месяц.",
    ),
)

HE = Content(
    code="he",
    names=(
        "נועה כהן",
        "יוסי לוי",
        "מיכל אברהם",
        "איתי מזרחי",
        "שירה פרץ",
        "דניאל ביטון",
    ),
    openers=(
        "שלום! ההזמנה שלי #48213 עדיין לא הגיעה, והמעקב לא התעדכן מאז יום שלישי.",
        "היי, אפשר לקבל החזר כספי על הזמנה #51874? המידה לא מתאימה.",
        "אתם שולחים גם לאילת?",
        "חויבתי פעמיים על אותה הזמנה. אפשר לבדוק?",
        "התרמיל של 40 ליטר חזר למלאי בירוק?",
        "אפשר לשנות כתובת משלוח בהזמנה שביצעתי הבוקר?",
        "השליח כתב שהחבילה נמסרה, אבל אין כלום ליד הדלת.",
    ),
    follow_ups=(
        "יש חדש?",
        "מספר ההזמנה הוא #48213, אם צריך.",
        "תודה, זה היה מהיר!",
        "סליחה, עוד דבר: אפשר לקבל גם חשבונית?",
        "עברו יומיים ועדיין כלום.",
    ),
    photo_captions=(
        "ככה הקופסה הגיעה.",
        "הנה הקבלה.",
        "המדבקה מהחבילה, אולי זה יעזור.",
    ),
    quick_replies=(
        ("איפה ההזמנה שלי?", "ORDER_STATUS"),
        ("החזרות והחזרים", "RETURNS"),
        ("לדבר עם נציג", "HUMAN_AGENT"),
    ),
    postbacks=(
        ("בואו נתחיל", "GET_STARTED"),
        ("מעקב אחר הזמנה", "TRACK_ORDER"),
        ("שיחה עם נציג", "HANDOFF_HUMAN"),
    ),
    edits=(
        ("מספר ההזמנה הוא #48312", "מספר ההזמנה הוא #48213"),
        ("המידה הנכונה היא L", "המידה הנכונה היא M, סליחה"),
    ),
    posts=(
        "קולקציית הסתיו הגיעה: מעילים, מגפיים ותרמילים חדשים. משלוח חינם בהזמנות מעל 200 ₪ השבוע!",
        "ביום שישי אנחנו פותחים חנות חדשה ברחוב הרצל. בואו לקבל 10% הנחה!",
    ),
    comments=(
        "עדיין אין החזר על הזמנה #5531, ואף אחד לא עונה.",
        "יש את זה בצבעים נוספים?",
        "מהמם! כבר יש שניים בעגלה 😍",
        "כמה זמן לוקח משלוח לחיפה?",
        "זה נמכר גם בחנות או רק באתר?",
    ),
    replies=(
        "גם אצלי המשלוח לקח כמעט שבועיים.",
        "תודה על התשובה המהירה!",
        "שלחתי לכם הודעה עם מספר ההזמנה.",
        "יש עדכון?",
    ),
    visitor_posts=(
        "תודה ענקית לצוות שהחליף לי את ההזמנה תוך יום!",
        "מישהו יודע אם החנות פתוחה ביום שישי?",
        "הזמנתי לפני שלושה שבועות, שילמתי, ועדיין אין חבילה ואין תשובה.",
    ),
    positive_reviews=(
        "משלוח מהיר ושירות אדיב. אזמין שוב.",
        "בדיוק כמו בתיאור, וענו על כל השאלות שלי תוך דקות.",
    ),
    negative_reviews=(
        "המשלוח לקח שלושה שבועות ואף אחד לא ענה למיילים שלי.",
        "המוצר הגיע פגום, ואחרי חודש עדיין אין החזר.",
    ),
)

RU = Content(
    code="ru",
    names=(
        "Анна Смирнова",
        "Дмитрий Волков",
        "Елена Кузнецова",
        "Игорь Соколов",
        "Ольга Морозова",
        "Максим Попов",
    ),
    openers=(
        "Здравствуйте! Мой заказ №48213 до сих пор не пришёл, трек-номер не обновляется "
        "со вторника.",
        "Добрый день, хочу вернуть деньги за заказ №51874: размер не подошёл.",
        "Вы доставляете в Калининград?",
        "С карты дважды списали деньги за один заказ. Проверьте, пожалуйста.",
        "Рюкзак на 40 литров в зелёном цвете снова есть в наличии?",
        "Можно изменить адрес доставки в заказе, оформленном сегодня утром?",
        "Курьер пишет, что посылка доставлена, но у двери ничего нет.",
    ),
    follow_ups=(
        "Есть новости?",
        "Номер заказа — №48213, если нужно.",
        "Спасибо, очень быстро!",
        "Извините, ещё вопрос: можно получить и счёт?",
        "Прошло уже два дня, а ничего не изменилось.",
    ),
    photo_captions=(
        "Вот в таком виде пришла коробка.",
        "Вот чек.",
        "Наклейка с посылки, может, поможет.",
    ),
    quick_replies=(
        ("Где мой заказ?", "ORDER_STATUS"),
        ("Возврат товара и денег", "RETURNS"),
        ("Поговорить с человеком", "HUMAN_AGENT"),
    ),
    postbacks=(
        ("Начать", "GET_STARTED"),
        ("Отследить заказ", "TRACK_ORDER"),
        ("Связаться с оператором", "HANDOFF_HUMAN"),
    ),
    edits=(
        ("Номер заказа — №48312", "Номер заказа — №48213"),
        ("Нужен размер L", "Нужен размер M, извините"),
    ),
    posts=(
        "Осенняя коллекция уже в продаже: новые куртки, ботинки и рюкзаки. "
        "Бесплатная доставка для заказов от 50 € на этой неделе!",
        "В субботу открываем новый магазин на Тверской. Приходите за скидкой 10%!",
    ),
    comments=(
        "До сих пор жду возврата денег за заказ №5531. Никто не отвечает.",
        "А другие цвета есть?",
        "Очень красиво! Уже два в корзине 😍",
        "Сколько идёт доставка в Казань?",
        "Это есть в магазине или только онлайн?",
    ),
    replies=(
        "У меня тоже доставка шла почти две недели.",
        "Спасибо за быстрый ответ!",
        "Номер заказа в личных сообщениях.",
        "Есть новости по этому вопросу?",
    ),
    visitor_posts=(
        "Огромное спасибо команде: заменили заказ за один день!",
        "Кто-нибудь знает, магазин работает в воскресенье?",
        "Заказ оплачен три недели назад, а посылки и ответа до сих пор нет.",
    ),
    positive_reviews=(
        "Быстрая доставка и вежливый персонал. Буду заказывать ещё.",
        "Всё как в описании, на вопросы ответили за несколько минут.",
    ),
    negative_reviews=(
        "Доставка заняла три недели, на письма никто не ответил.",
        "Товар пришёл повреждённым, а деньги не вернули и через месяц.",
    ),
)

ZH = Content(
    code="zh",
    names=("王芳", "李伟", "张敏", "刘洋", "陈静", "杨磊"),
    openers=(
        "你好！我的订单 #48213 还没到，物流信息从周二起就没更新了。",
        "您好，订单 #51874 的尺码不合适，我想申请退款。",
        "你们能寄到澳门吗？",
        "同一个订单被扣了两次款，麻烦帮我查一下。",
        "40 升的绿色背包现在有货了吗？",
        "今天早上下的订单，还能改收货地址吗？",
        "快递显示已签收，但我门口什么都没有。",
    ),
    follow_ups=(
        "请问有进展了吗？",
        "订单号是 #48213，供参考。",
        "谢谢，太快了！",
        "不好意思，再问一下：可以开发票吗？",
        "已经两天了，还是没有消息。",
    ),
    photo_captions=(
        "箱子到的时候就是这样。",
        "这是收据。",
        "包裹上的标签，希望有帮助。",
    ),
    quick_replies=(
        ("我的订单在哪里？", "ORDER_STATUS"),
        ("退货和退款", "RETURNS"),
        ("联系人工客服", "HUMAN_AGENT"),
    ),
    postbacks=(
        ("开始", "GET_STARTED"),
        ("查询订单", "TRACK_ORDER"),
        ("转人工客服", "HANDOFF_HUMAN"),
    ),
    edits=(
        ("订单号是 #48312", "订单号是 #48213"),
        ("我需要 L 码", "我需要 M 码，不好意思"),
    ),
    posts=(
        "秋季新品上架：全新外套、靴子和背包。本周订单满 50 欧元包邮！",
        "本周六我们在南京路的新门店开业，到店享九折优惠！",
    ),
    comments=(
        "订单 #5531 的退款到现在还没收到，发消息也没人回。",
        "有其他颜色吗？",
        "太好看了！购物车里已经有两个了 😍",
        "寄到上海要多久？",
        "实体店有卖吗，还是只能网购？",
    ),
    replies=(
        "我的也是，快递走了快两个星期。",
        "谢谢这么快回复！",
        "订单号已经私信给你们了。",
        "有更新吗？",
    ),
    visitor_posts=(
        "非常感谢客服团队，一天之内就给我换了货！",
        "有人知道门店周日营业吗？",
        "三周前就付款了，到现在既没收到包裹也没人回复。",
    ),
    positive_reviews=(
        "发货快，客服态度好，还会再买。",
        "和描述的一模一样，问题几分钟内就得到了回复。",
    ),
    negative_reviews=(
        "快递走了三个星期，发邮件也没人回。",
        "商品到手就是坏的，一个月了还没退款。",
    ),
)

LANGUAGES: tuple[Content, ...] = (EN, EL, BE, HE, RU, ZH)

# Messenger's reaction keywords with the emoji Meta sends alongside (meta.md 4.6).
REACTIONS: tuple[tuple[str, str], ...] = (
    ("love", "\u2764\ufe0f"),
    ("like", "\U0001f44d"),
    ("smile", "\U0001f606"),
    ("wow", "\U0001f62e"),
)
