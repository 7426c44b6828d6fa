"""Simplified Chinese: surname first; the brand addresses customers as 先生/女士 or not at all."""

from inbox.demo.content import Language, Name, Post, Story, Surname

ZH = Language(
    code="zh-hans",
    locale="zh_CN",
    male=(
        Name("伟", "wei"),
        Name("磊", "lei"),
        Name("俊杰", "junjie"),
        Name("浩", "hao"),
        Name("子轩", "zixuan"),
        Name("明", "ming"),
    ),
    female=(
        Name("芳", "fang"),
        Name("敏", "min"),
        Name("静", "jing"),
        Name("雪", "xue"),
        Name("欣怡", "xinyi"),
        Name("丽", "li"),
    ),
    surnames=(
        Surname("王", "王", "wang"),
        Surname("李", "李", "li"),
        Surname("张", "张", "zhang"),
        Surname("刘", "刘", "liu"),
        Surname("陈", "陈", "chen"),
        Surname("杨", "杨", "yang"),
        Surname("赵", "赵", "zhao"),
        Surname("黄", "黄", "huang"),
        Surname("周", "周", "zhou"),
        Surname("吴", "吴", "wu"),
    ),
    direct=(
        Story(
            "delivery",
            "complaint",
            (
                "你好，我上周下的单（订单号48213）到现在还没收到。",
                "物流信息从周三就没更新了，怎么回事？",
            ),
            "{last}[先生|女士]您好，非常抱歉让您久等了！包裹滞留在快递公司的仓库，我们已经"
            "催促明天送达，并退还了您的运费。",
            "谢谢，处理得很快！",
        ),
        Story(
            "product",
            "question",
            ("请问 Morning Sun 适合用法压壶吗？还是只适合做意式？",),
            "您好！也很适合法压壶，下单时选择“粗研磨”就可以了。",
            "好的，谢谢！",
        ),
        Story(
            "delivery",
            "complaint",
            ("包裹到了，但是袋子破了，咖啡豆撒得满箱都是 😞", "附上照片。"),
            "真的很抱歉！我们今天就给您免费补发一袋，不需要退回任何东西。",
            photo=True,
        ),
        Story(
            "refund",
            "complaint",
            ("我三月份就取消了 Helios Club 的订阅，这个月又被扣款了，请退款。",),
            "{last}[先生|女士]，您说得对，取消没有在我们系统里生效。扣款已经退回（3-5个工作日"
            "到账），订阅也已关闭。",
            "好的，谢谢你们这么快处理。",
        ),
        Story(
            "product",
            "question",
            ("你们有礼品卡吗？周六想送朋友一份生日礼物。",),
            "有的！电子礼品卡100元起，几分钟内发送到邮箱：helioscoffee.example/gift",
            "太好了，谢谢！",
        ),
        Story(
            "wholesale",
            "question",
            (
                "您好，我在杭州开了一家小咖啡馆，正在找新的咖啡豆供应商。你们做批发吗？每周大概10公斤。",
            ),
            "{last}[先生|女士]您好！我们有和咖啡馆、烘焙店合作。已经把您的需求转给批发团队，"
            "他们本周会联系您，提供报价和样品。",
        ),
    ),
    comments=(
        Story(
            "product",
            "question",
            ("这款有低因版本吗？",),
            "暂时还没有，不过低因版计划明年春天推出！",
        ),
        Story(
            "praise",
            "praise",
            ("今天早上试了，太好喝了！你们最好的拼配 ☕",),
            "谢谢您的喜欢！烘焙师们看到一定很开心 🧡",
        ),
        Story(
            "delivery",
            "complaint",
            ("可惜发货要等一周。我2号下的单，现在还在等。",),
            "非常抱歉，确实太久了。麻烦私信发一下订单号，我们马上查。",
            "已私信。",
        ),
        Story(
            "cafe",
            "question",
            ("店里有地方可以用电脑办公吗？",),
            "有的！我们有带插座的大长桌和免费 Wi-Fi。",
            post=1,
        ),
    ),
    reviews=(
        Story(
            "praise",
            "praise",
            ("店员很热情，附近最好喝的馥芮白。燕麦奶也很好喝！",),
            "非常感谢您的好评！我们会转告团队。",
        ),
        Story(
            "delivery",
            "complaint",
            ("买咖啡豆送人，晚到了一周，发邮件也没人回。不推荐。",),
            "非常抱歉给您带来不好的体验，这不是我们想提供的服务。我们已经私信您，会尽快解决。",
        ),
        Story(
            "praise",
            "praise",
            ("订阅很划算，每两周收到新鲜的豆子，暂停也很方便。",),
            "谢谢您的支持！",
        ),
    ),
    mentions=(
        Story(
            "website",
            "complaint",
            ("{handle} 你们的网站付款时一直把我踢出来，已经试了三次了 😤",),
            "抱歉！我们正在修复这个问题。请私信您的邮箱，我们帮您完成订单。",
        ),
        Story(
            "praise",
            "praise",
            ("早上的仪式感，来自 {handle} 的一杯咖啡 ☕☀️",),
            "祝您有美好的一天 ☀️",
        ),
        Story(
            "delivery",
            "question",
            ("{handle} 请问能寄到香港吗？",),
            "可以的！寄往香港大约需要3-5个工作日。",
        ),
    ),
    posts=(
        Post(
            "新品上市：爱琴海拼配 Aegean Blend 🌊 柑橘、蜂蜜与悠长的可可尾韵。本周新鲜烘焙，"
            "网店已上架。",
            "Aegean Blend",
            "#b91c1c",
        ),
        Post(
            "我们的上海新店本周六开业！开业当天第一杯咖啡免费 ☕",
            "上海新店",
            "#047857",
        ),
    ),
    name_format="{last}{first}",
)
