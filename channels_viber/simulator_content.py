"""What the Viber simulator's customers write, one table per language.

Customer care on a Viber bot: orders, couriers, refunds, payments, opening hours. Viber
matters most in Greece, Belarus, Israel and among Russian speakers, so those tables are
as rich as the English one. Texts avoid first-person forms that agree with the speaker's
gender (Russian, Belarusian and Hebrew past tenses, Greek adjectives), because the
simulator pairs them with names at random.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Content:
    code: str
    # What Viber reports in `sender.language` (ISO 639-1, sometimes a locale) and the
    # countries (ISO 3166 alpha-2) these customers write from.
    language: str
    countries: tuple[str, ...]
    names: tuple[str, ...]
    # A customer's first message, then what the same customer writes later.
    openers: tuple[str, ...]
    follow_ups: tuple[str, ...]
    # The caption sent with a picture, and the text sent before a file, a location, a
    # shared contact and a link.
    photo_captions: tuple[str, ...]
    file_notes: tuple[str, ...]
    location_notes: tuple[str, ...]
    contact_notes: tuple[str, ...]
    link_notes: tuple[str, ...]
    # (lat, lon) of places in these customers' towns; (name, phone) of the people they share.
    locations: tuple[tuple[float, float], ...]
    contacts: tuple[tuple[str, str], ...]
    links: tuple[str, ...]

    def texts(self) -> set[str]:
        """Every text a customer of this language may send (the tests tell languages apart)."""
        return {
            *self.openers,
            *self.follow_ups,
            *self.photo_captions,
            *self.file_notes,
            *self.location_notes,
            *self.contact_notes,
            *self.link_notes,
        }


EN = Content(
    code="en",
    language="en-GB",
    countries=("GB", "IE", "CY"),
    names=(
        "Dana Kowalski",
        "Sam Ortega",
        "Priya Nair",
        "Tom Becker",
        "Grace O'Neill",
        "Marcus Reed",
    ),
    openers=(
        "Hi, my order #48213 was supposed to arrive yesterday and the courier never came.",
        "Hello! Can I still change the delivery address for order #51874?",
        "I was charged twice for the same order. Can someone check, please?",
        "Hi, the parcel arrived but one item is missing.",
        "Are you open on Sunday? The website says two different things.",
        "Hello, how do I return something I bought online?",
        "My discount code SUMMER10 doesn't work at checkout.",
    ),
    follow_ups=(
        "Any news?",
        "The order number is #48213, in case you need it.",
        "Thanks, that was quick!",
        "Sorry, one more thing: can you send the invoice too?",
        "It's been two days and still nothing.",
        "Great, I'll wait for the courier then.",
        "Is anyone there?",
    ),
    photo_captions=(
        "This is how the box arrived.",
        "The receipt from the shop.",
        "The label on the parcel.",
    ),
    file_notes=(
        "Here's the scan of my receipt.",
        "Attaching the bank statement with both payments.",
    ),
    location_notes=(
        "The courier can't find the house. This is where I am:",
        "Can you deliver here instead?",
    ),
    contact_notes=(
        "My neighbour can take the parcel if I'm out:",
        "Please call this number for the delivery:",
    ),
    link_notes=(
        "This is the item I mean:",
        "The tracking page says delivered:",
    ),
    locations=((51.5072, -0.1276), (51.4613, -0.1156), (53.3498, -6.2603)),
    contacts=(("Chris Walker", "+447700900123"), ("Amy Doyle", "+353851234567")),
    links=(
        "https://shop.example/p/backpack-40l-green",
        "https://track.example/parcel/CX48213GB",
    ),
)

EL = Content(
    code="el",
    language="el",
    countries=("GR", "CY"),
    names=(
        "Μαρία Παπαδοπούλου",
        "Γιώργος Νικολάου",
        "Ελένη Γεωργίου",
        "Νίκος Δημητρίου",
        "Κατερίνα Ιωάννου",
        "Δημήτρης Αλεξίου",
    ),
    openers=(
        "Καλησπέρα, η παραγγελία μου #48213 έπρεπε να έρθει χθες και ο κούριερ δεν ήρθε ποτέ.",
        "Γεια σας! Μπορώ ακόμα να αλλάξω τη διεύθυνση παράδοσης για την παραγγελία #51874;",
        "Με χρεώσατε δύο φορές για την ίδια παραγγελία. Μπορείτε να το ελέγξετε;",
        "Γεια σας, το δέμα ήρθε αλλά λείπει ένα προϊόν.",
        "Είστε ανοιχτά την Κυριακή; Στην ιστοσελίδα γράφει δύο διαφορετικά πράγματα.",
        "Καλημέρα, πώς επιστρέφω κάτι που αγόρασα online;",
        "Ο εκπτωτικός κωδικός SUMMER10 δεν περνάει στο ταμείο.",
    ),
    follow_ups=(
        "Υπάρχει κάποιο νέο;",
        "Ο αριθμός παραγγελίας είναι #48213, αν τον χρειάζεστε.",
        "Ευχαριστώ πολύ, ήταν γρήγορο!",
        "Συγγνώμη, κάτι ακόμα: μπορείτε να μου στείλετε και το τιμολόγιο;",
        "Πέρασαν δύο μέρες και ακόμα τίποτα.",
        "Τέλεια, θα περιμένω τον κούριερ τότε.",
        "Είναι κανείς εκεί;",
    ),
    photo_captions=(
        "Έτσι έφτασε το κουτί.",
        "Η απόδειξη από το κατάστημα.",
        "Η ετικέτα του δέματος.",
    ),
    file_notes=(
        "Σας στέλνω τη σάρωση της απόδειξης.",
        "Επισυνάπτω την κίνηση του λογαριασμού με τις δύο χρεώσεις.",
    ),
    location_notes=(
        "Ο κούριερ δεν βρίσκει το σπίτι. Εδώ είμαι:",
        "Μπορείτε να το φέρετε εδώ;",
    ),
    contact_notes=(
        "Αν λείπω, μπορεί να παραλάβει ο γείτονάς μου:",
        "Για την παράδοση καλέστε σε αυτό το τηλέφωνο:",
    ),
    link_notes=(
        "Αυτό το προϊόν εννοώ:",
        "Η σελίδα παρακολούθησης λέει ότι παραδόθηκε:",
    ),
    locations=((37.9838, 23.7275), (40.6401, 22.9444), (35.3387, 25.1442)),
    contacts=(("Κώστας Βασιλείου", "+306912345678"), ("Σοφία Μαρκάκη", "+306987654321")),
    links=(
        "https://shop.example/el/p/sakidio-40l",
        "https://track.example/parcel/CX51874GR",
    ),
)

# Belarusian, not Russian: замова, дзякуй, калі ласка.
BE = Content(
    code="be",
    language="be",
    countries=("BY",),
    names=(
        "Алеся Карпенка",
        "Янка Мароз",
        "Вольга Жук",
        "Андрэй Бабровіч",
        "Марына Сакалова",
        "Павел Навіцкі",
    ),
    openers=(
        "Добры дзень! Замова №48213 павінна была прыйсці ўчора, а кур'ер так і не з'явіўся.",
        "Вітаю! Ці можна яшчэ змяніць адрас дастаўкі ў замове №51874?",
        "З карткі двойчы спісалі грошы за адну замову. Праверце, калі ласка.",
        "Добры дзень, пасылка прыйшла, але ў ёй не хапае аднаго тавару.",
        "Ці працуеце вы ў нядзелю? На сайце напісана па-рознаму.",
        "Вітаю, як вярнуць тавар, набыты ў інтэрнэт-краме?",
        "Прамакод SUMMER10 не спрацоўвае пры аплаце.",
    ),
    follow_ups=(
        "Ёсць якія-небудзь навіны?",
        "Нумар замовы — №48213, калі трэба.",
        "Дзякуй, вельмі хутка!",
        "Прабачце, яшчэ пытанне: ці можна атрымаць і рахунак?",
        "Прайшло ўжо два дні, а нічога не змянілася.",
        "Выдатна, тады чакаю кур'ера.",
        "Ці ёсць тут хто-небудзь?",
    ),
    photo_captions=(
        "Вось у такім выглядзе прыйшла скрынка.",
        "Чэк з крамы.",
        "Наклейка з пасылкі.",
    ),
    file_notes=(
        "Дасылаю скан чэка.",
        "Выпіска з банка, там відаць абодва спісанні.",
    ),
    location_notes=(
        "Кур'ер не можа знайсці дом. Вось дзе гэта:",
        "Ці можна прывезці сюды?",
    ),
    contact_notes=(
        "Калі мяне не будзе дома, пасылку забярэ суседка:",
        "Наконт дастаўкі тэлефануйце па гэтым нумары:",
    ),
    link_notes=(
        "Вось пра гэты тавар пытанне:",
        "На старонцы адсочвання напісана, што пасылка дастаўлена:",
    ),
    locations=((53.9006, 27.5590), (53.6694, 23.8131), (52.0976, 23.7341)),
    contacts=(("Ірына Шаўчук", "+375291234567"), ("Сяргей Лявонаў", "+375447654321")),
    links=(
        "https://shop.example/be/p/zaplechnik-40l",
        "https://track.example/parcel/CX51874BY",
    ),
)

HE = Content(
    code="he",
    language="he",
    countries=("IL",),
    names=(
        "נועה כהן",
        "יוסי לוי",
        "מיכל אברהם",
        "איתי מזרחי",
        "שירה פרץ",
        "דניאל ביטון",
    ),
    openers=(
        "שלום, ההזמנה שלי #48213 הייתה אמורה להגיע אתמול והשליח לא הגיע.",
        "היי! אפשר עדיין לשנות את כתובת המשלוח בהזמנה #51874?",
        "חויבתי פעמיים על אותה הזמנה. אפשר לבדוק?",
        "שלום, החבילה הגיעה אבל חסר בה מוצר אחד.",
        "אתם פתוחים ביום שישי? באתר כתובים שני דברים שונים.",
        "היי, איך מחזירים מוצר שנקנה באתר?",
        "קוד ההנחה SUMMER10 לא עובד בתשלום.",
    ),
    follow_ups=(
        "יש חדש?",
        "מספר ההזמנה הוא #48213, אם צריך.",
        "תודה, זה היה מהיר!",
        "סליחה, עוד דבר: אפשר לקבל גם חשבונית?",
        "עברו יומיים ועדיין כלום.",
        "מעולה, אז מחכים לשליח.",
        "יש פה מישהו?",
    ),
    photo_captions=(
        "ככה הקופסה הגיעה.",
        "הקבלה מהחנות.",
        "המדבקה מהחבילה.",
    ),
    file_notes=(
        "מצורפת סריקה של הקבלה.",
        "זה דף החשבון עם שני החיובים.",
    ),
    location_notes=(
        "השליח לא מוצא את הבית. זה המיקום:",
        "אפשר לשלוח לכאן במקום?",
    ),
    contact_notes=(
        "אם אין אף אחד בבית, השכנה יכולה לקבל את החבילה:",
        "לגבי המשלוח אפשר להתקשר למספר הזה:",
    ),
    link_notes=(
        "מדובר במוצר הזה:",
        "בדף המעקב כתוב שהחבילה נמסרה:",
    ),
    locations=((32.0853, 34.7818), (32.7940, 34.9896), (31.7683, 35.2137)),
    contacts=(("אורי שפירא", "+972521234567"), ("רונית גולן", "+972547654321")),
    links=(
        "https://shop.example/he/p/backpack-40l",
        "https://track.example/parcel/CX51874IL",
    ),
)

RU = Content(
    code="ru",
    language="ru",
    countries=("BY", "IL", "CY", "MD"),
    names=(
        "Анна Смирнова",
        "Дмитрий Волков",
        "Елена Кузнецова",
        "Игорь Соколов",
        "Ольга Морозова",
        "Максим Попов",
    ),
    openers=(
        "Здравствуйте! Заказ №48213 должен был прийти вчера, а курьер так и не приехал.",
        "Добрый день! Можно ещё поменять адрес доставки в заказе №51874?",
        "С карты дважды списали деньги за один заказ. Проверьте, пожалуйста.",
        "Здравствуйте, посылка пришла, но в ней не хватает одного товара.",
        "Вы работаете в воскресенье? На сайте написано по-разному.",
        "Добрый день, как вернуть товар, купленный в интернет-магазине?",
        "Промокод SUMMER10 не срабатывает при оплате.",
    ),
    follow_ups=(
        "Есть новости?",
        "Номер заказа — №48213, если нужно.",
        "Спасибо, очень быстро!",
        "Извините, ещё вопрос: можно получить и счёт?",
        "Прошло уже два дня, а ничего не изменилось.",
        "Отлично, тогда жду курьера.",
        "Здесь есть кто-нибудь?",
    ),
    photo_captions=(
        "Вот в таком виде пришла коробка.",
        "Чек из магазина.",
        "Наклейка с посылки.",
    ),
    file_notes=(
        "Отправляю скан чека.",
        "Выписка из банка, там видно оба списания.",
    ),
    location_notes=(
        "Курьер не может найти дом. Вот где это:",
        "Можно привезти сюда?",
    ),
    contact_notes=(
        "Если меня не будет дома, посылку заберёт соседка:",
        "По доставке звоните на этот номер:",
    ),
    link_notes=(
        "Вот про этот товар вопрос:",
        "На странице отслеживания написано, что посылка доставлена:",
    ),
    locations=((53.9045, 27.5615), (32.0809, 34.7806), (34.7071, 33.0226)),
    contacts=(("Светлана Орлова", "+375297654321"), ("Виктор Павлов", "+37369123456")),
    links=(
        "https://shop.example/ru/p/ryukzak-40l",
        "https://track.example/parcel/CX48213BY",
    ),
)

ZH = Content(
    code="zh",
    language="zh",
    countries=("SG", "MY"),
    names=(
        "王晓红",
        "李伟",
        "张敏",
        "陈杰",
        "刘洋",
        "黄丽娜",
    ),
    openers=(
        "你好，我的订单 #48213 昨天就该送到，但快递员一直没来。",
        "您好！订单 #51874 的收货地址还能改吗？",
        "同一个订单被扣了两次款，麻烦帮我查一下。",
        "你好，包裹收到了，但是少了一件商品。",
        "请问周日营业吗？网站上写的不一样。",
        "您好，网上买的东西怎么退货？",
        "优惠码 SUMMER10 付款时用不了。",
    ),
    follow_ups=(
        "请问有进展了吗？",
        "订单号是 #48213，供参考。",
        "谢谢，太快了！",
        "不好意思，再问一下：可以开发票吗？",
        "已经两天了，还是没有消息。",
        "好的，那我等快递员。",
        "有人在吗？",
    ),
    photo_captions=(
        "箱子到的时候就是这样。",
        "门店的收据。",
        "包裹上的标签。",
    ),
    file_notes=(
        "这是收据的扫描件。",
        "附上银行流水，两笔扣款都在上面。",
    ),
    location_notes=(
        "快递员找不到地方，我在这里：",
        "可以改送到这里吗？",
    ),
    contact_notes=(
        "我不在家的话，邻居可以代收：",
        "送货请打这个电话：",
    ),
    link_notes=(
        "我说的是这件商品：",
        "物流页面显示已签收：",
    ),
    locations=((1.2903, 103.8519), (1.3521, 103.8198), (3.1390, 101.6869)),
    contacts=(("陈美玲", "+6591234567"), ("林志强", "+60123456789")),
    links=(
        "https://shop.example/zh/p/backpack-40l",
        "https://track.example/parcel/CX48213SG",
    ),
)

LANGUAGES: tuple[Content, ...] = (EN, EL, BE, HE, RU, ZH)

# Ids of stickers from Viber's free packs; customers send them to say thanks or to nudge.
STICKER_IDS: tuple[int, ...] = (40133, 40108, 40122, 114406, 114408, 171000)

# What a deep link to the bot carries in `context` (viber://pa?chatURI=...&context=...).
CONTEXTS: tuple[str, ...] = ("order-48213", "order-51874", "site-footer", "receipt-qr")
