"""Referral intents: the inviter's reward, the friend's discount, the every-30 tier, whether an invite counts, the
72-hour window, when credits arrive, withdrawal, the cap, objections, the 0.50 USD minimum.

They form one group: a question about inviting or referring is this family's, and when none of its intents fires
it gets no rule answer at all (it falls through to retrieval), never another family's. Members are tried in the
order of their `When(n, ..., group=REFERRAL)`. To add a referral intent, add a unit to this module
(helpdesk/rules/registry.py explains `When` and groups); to add or change a figure, corpus/facts.toml.
"""

from __future__ import annotations

import re
from functools import lru_cache

from helpdesk.rules.registry import When, group, register
from helpdesk.rules.respond import Reply, money, number
from helpdesk.rules.understand import Parsed, Slots, span_between, matches


def about_referral(text: str, s: Slots) -> bool:
    """Invite / refer words, or a friend with an amount, a percentage, credits or a payment."""
    referral_words = matches(text, r"\b(refer|referral|referrals|referred|invite|invites|invited|inviting|invitation|"
                                   r"inviter)\b", "邀请", r"推荐(链接|码|人|好友|朋友|奖励)", "返利", "返佣")
    friend_money = matches(text, r"\bfriends?('s)?\b") and bool(s.money or s.percent or matches(
        text, r"\bcredits?\b|\bpayment\b"))
    # "does my friend get a discount if they use my link?"
    friend_link = matches(text, r"\bfriends?('s)?\b") and matches(text, r"\b(my|your|their|invite|referral) (link|code)\b")
    # "朋友用我的链接买了 Lite，付了 13.5 刀，还没看到 credits": a friend, one's link or code, and credits or a payment
    friend_link = friend_link or matches(text, "朋友", "好友", "同事") and matches(text, r"我的.{0,4}(链接|邀请码|码)") and bool(
        s.money or matches(text, r"\bcredits?\b", "积分", "奖励", "付", "买"))
    return referral_words or friend_money or friend_link


REFERRAL = group("referral", 10, about_referral)


def self_invite_asked(text: str, s: Slots) -> bool:
    """"Can I invite my own second account?", "邀请自己的小号": the campaign's single-account principle."""
    return matches(text, r"\b(invite|invit\w*|refer\w*)\b.{0,20}\b(my )?(own|second|alt|alternate|2nd) (account|email|phone)s?\b|"
                         r"\b(invite|refer) myself\b|\bmy (own )?(second|alt|alternate|2nd) account\b",
                   "小号", r"邀请自己的?(另一个|其他|第二个)?(账号|帐号)?", "自己邀请自己")


# "同一个 wifi", "paid with my card", "on my laptop": a friend's account the platform may take for the inviter's own
SHARED_ENVIRONMENT = (r"\b(same|shared) (home |office |company |work )?(wi-?fi|network|ip( address)?|router|device|computer|laptop|phone( number)?|"
                      r"credit card|card|payment (account|method))\b(?! (plan|subscription))|\b(our|my) (home )?(wi-?fi|network|"
                      r"router)\b|\b(she|he|wife|husband|friend|partner|brother|sister|mom|dad|they)\b.{0,60}\b(with|on|using) "
                      r"my (credit )?card\b",
                      r"同一(个|张|台|部)?\s*(wifi|wi-fi|网络|设备|电脑|手机|ip|(信用)?卡|支付(账号|账户))", r"(刷|用)的?(是)?我(的|那张)(信用)?卡",
                      r"家里(的)?(同一个)?\s*(wifi|wi-fi|网络)")


def shared_environment(text: str) -> bool:
    return matches(text, *SHARED_ENVIRONMENT)


def shared_environment_told(text: str, s: Slots) -> bool:
    """Someone who joined through the inviter's link on the inviter's network, device or card (not a plan shared on
    one laptop: "can he and I use one Pro plan on it?" is the one-account rule's question)."""
    joined = matches(text, r"\b(link|code|invit\w*|referr\w*)\b.{0,80}\b(sign(ed)? up|register\w*|paid|bought|subscribed|"
                           r"joined)\b|\b(sign(ed)? up|register\w*|paid|bought|subscribed|joined)\b.{0,80}\b(link|code|invite)\b",
                     r"(邀请链接|邀请码|链接).{0,40}(注册|买|付|订阅)|(注册|买|付|订阅).{0,40}(邀请链接|邀请码)")
    shares_plan = matches(text, r"\b(use|share|sharing)\b.{0,20}\b(one|a|the|my|our|same) (\w+ )?(plan|subscription|account)\b",
                          "共用", "一起用", "合用")
    return shared_environment(text) and joined and not shares_plan


@register("referral_self", When(-4, shared_environment_told, group=REFERRAL),
          When(12, self_invite_asked, group=REFERRAL), facts=("ref.single_account",
                                                                             "ref.associated_accounts", "ref.same_user"))
def referral_self(r: Reply, p: Parsed) -> str:
    r.fact("ref.single_account")
    if shared_environment_told(p.text, p.slots) and not self_invite_asked(p.text, p.slots):
        same = r.fact("ref.same_user")
        if p.language == "zh":
            return ("活动规则的“单一账号原则”：每个自然人只能使用一个平台账号参与，平台根据手机号、邮箱、设备 ID、IP 地址等判断用户身份，"
                    f"同一手机号、设备、支付账户或网络环境可能被判定为同一用户（原文：“{same}”）。所以用你的卡或同一网络注册的账号，"
                    "可能不算新的受邀好友。具体判定以平台系统记录为准，有异议可联系客服。")
        return ("The campaign rules' Single Account Principle: each natural person may take part with one platform account, "
                f"and the same phone number, device, payment account, or network environment {same}. An account "
                "registered on your network or paid with your card may therefore not count as a new invited friend; the "
                "platform's records decide, and support can look at a specific case.")
    r.fact("ref.associated_accounts")
    if p.language == "zh":
        return ("不可以：活动规则的“单一账号原则”规定每个自然人只能使用一个平台账号参与，平台会根据手机号、邮箱、设备、IP、支付账号等"
                "判断是否为同一用户；发现作弊的，平台有权取消所有关联账号的活动资格并收回已获得的奖励。")
    return ("No: the campaign's Single Account Principle lets each natural person take part with only one platform account "
            "(the platform judges identity by phone number, email, device, IP address and payment account), and accounts "
            "found cheating lose eligibility, with all associated accounts disqualified and their rewards reclaimed.")


def validity_asked(text: str, s: Slots) -> bool:
    """How long credits last; also saving them for later ("留到明年续费再一起抵", "keep them for next year's renewal")."""
    later = (r"\b(save|saving|keep|keeping|hold|holding|leave|leaving|use)\w*\b.{0,30}\b(next year|later|until|for (the )?(next|my) "
             r"(renewal|year))\b", r"(留到|存着|攒着|留着).{0,12}(明年|以后|下次|续费)|(明年|以后).{0,8}(再|一起)(用|抵)")
    if matches(text, r"\b(took|takes|used|uses|ate|eats|charged|deducted) (my |the )?(referral |invite )?credits?( balance)? first\b",
               r"先扣(的是|了)?.{0,12}(credits?|积分|赠金|返利)"):
        return False  # "GLM-5 先扣了 credits, 我本来想留着续费": which source paid first, the fee order, is the complaint
    expiry = r"\b(expire[sd]?|expiry|expiration|validity|valid for|how long (are|do|will)|lapse)\b"
    credits = r"\b(credits?|rewards?|points?|bonus)\b"
    text = re.sub(r"\blet (it|the plan|the subscription|his|her|their|my) (\w+ )?lapse\b", " ", text)  # a plan left to lapse
    return matches(text, expiry, "过期", "有效期", *later) and matches(text, credits, "积分", "奖励", "返利")


@register("referral_validity", When(0, validity_asked, group=REFERRAL), facts=("ref.validity", "ref.validity_notice"))
def referral_validity(r: Reply, p: Parsed) -> str:
    r.fact("ref.validity")
    notice = r.fact("ref.validity_notice")
    if p.language == "zh":
        return (f"积分长期有效，除非账户被注销或平台停止运营；平台将来如调整有效期，会提前 {notice} 天通知。")
    return ("They don't expire: credits are long-term valid unless the account is deactivated or the platform ceases "
            f"operation. If Z.ai ever changes their validity period, it gives {notice} days' notice.")


SEND_TO_ME = (r"\b(send|transfer|move|pay)\b.{0,30}\bto my (paypal|bank|card|account)\b",
              r"(转|打|退)到.{0,4}(paypal|银行卡|支付宝|微信)",  # "please send the 45 USD to my PayPal"
              # "把我的 credits 转到他账号上", "give my credits to my brother's account": transferred to another account
              r"\b(transfer|move|give|gift|send)\b.{0,25}\b(credits?)\b.{0,30}\b(to|into) (his|her|their|another|my "
              r"(friend|brother|sister|cousin|wife|husband|colleague)'?s?)\b",
              r"(积分|credits?|返利|赠金).{0,12}(转到|转给|转移到|送给)(他|她|别人|朋友|家人|表弟|表哥|同事|另一个)")


def withdrawal_asked(text: str, s: Slots) -> bool:
    return matches(text, r"\bwithdraw|cash out|transfer|bank\b", "提现", *SEND_TO_ME) or credits_withdrawal_asked(text, s)


def credits_withdrawal_asked(text: str, s: Slots) -> bool:
    """"Can I withdraw the credits to PayPal?": credits named, whatever earned them ("I have 14.70 in credits. Can I cash
    that out to PayPal?" names them in the sentence before)."""
    return matches(text, r"\bcredits?\b", "积分", "赠金") and not matches(text, r"\bcash balance\b", "现金余额") and matches(
        text, r"\bwithdraw\w*|cash (them |it |that |this |these |those )?out|paid out|pay (them |it )?"
                                                                r"out\b|\bcash (the |my |these |those )?(\w+ )?credits? out\b|"
                                                                r"\b(move|transfer|give|send|gift)\w* (them|it|the(se|m)? (\w+ )?credits?) "
                                                                r"(over )?to (my |his |her |a |an? other |another |someone)[\w' -]{0,30}"
                                                                r"\baccount\b|\b(use|spend|pay with) my (\w+ )?credits? (to pay )?(for|on) "
                                                                r"(his|her|their|someone|my (friend|brother|sister|wife|husband|"
                                                                r"colleague)|a friend|another (person|user|account|people))\b", "提现",
        *SEND_TO_ME,
        # "把我的 credits transfer 到他的账号", "用我的 credits 帮他的账号付"
        r"(credits?|积分|赠金)\s*(transfer\s*(到|给)|转给|转到|转移|转让|赠送|送给)",
        r"(我的|我)\s*(credits?|积分|赠金)[^。？！?\n]{0,12}(转|转给|转到|转移|转让|赠送|送给|帮).{0,12}(他|她|别人|朋友|家人|弟|妹|哥|姐|"
        r"老婆|老公|同事)的?\s*(账号|账户)")


@register("referral_withdraw", When(1, withdrawal_asked, group=REFERRAL), When(12, credits_withdrawal_asked),
          facts=("ref.no_withdraw",))
def referral_withdraw(r: Reply, p: Parsed) -> str:
    r.fact("ref.no_withdraw")
    if p.language == "zh":
        return "不可以。积分属于促销权益，不能提现，不能转让，也不能退款，只能在 Z.ai 平台抵扣订阅、资源包、功能扩展和 API 调用费用。"
    return ("No: credits are promotional and cannot be withdrawn, transferred or refunded. You can spend them on Z.ai "
            "purchases: GLM Coding Plan subscriptions, resource packs, feature extensions and API calls.")


def attribution_asked(text: str, s: Slots) -> bool:
    """"My friend clicked my link and a YouTuber's before paying: who gets the credits?": two inviters' links, and whose
    reward it is. One friend's link ("can I sign up through my friend's link?") is no such question."""
    two_links = matches(
        text, r"\b(two|both|several|multiple|different) (referral |invite |invitation )?(links|codes)\b",
        r"\b(my|his|her|their|a|one) (referral |invite |invitation )?link\b.{0,60}\b(and|then|also|before|after|plus)\b.{0,40}"
        r"\b(another|some|other|someone else'?s|\w+'s) (\w+ )?(referral |invite |invitation )?link\b",
        r"\b(credit|credits|reward|rewards|bonus) went to (someone|somebody|another)",
        r"(两个|多个|好几个)(邀请|推荐)?(链接|邀请码)",
        r"(别人|其他人|另一个|另外一个)[^。？?]{0,12}(链接|邀请码)[^。？?]{0,20}(又|再|还|后来)[^。？?]{0,6}(点|用)了?[^。？?]{0,6}我的",
        r"我的[^。？?]{0,20}(又|再|还|后来)[^。？?]{0,6}(点|用)了?[^。？?]{0,12}(别人|其他人|另一个|另外一个)",
        r"(积分|奖励|返利).{0,6}(给了|归了|到了)(别人|其他人)")
    return two_links and matches(text, r"\b(who|whose|which (one|inviter|link))\b|\bwent to\b", "谁", "哪个", "归属", "别人")


@register("referral_attribution", When(-3, attribution_asked, group=REFERRAL), facts=("ref.last_touchpoint",))
def referral_attribution(r: Reply, p: Parsed) -> str:
    r.fact("ref.last_touchpoint")
    if p.language == "zh":
        return ("活动规则写明：如果好友点击了多个邀请链接，奖励归最后一个有效触达的邀请人。"
                "某个订单的归属有疑问，请联系客服。")
    return ("The campaign rules: \"If friend clicks multiple links, reward goes to the last valid touchpoint inviter\": the "
            "credits go to whoever's link your friend used last. Z.ai support can check a particular order.")


def view_asked(text: str, s: Slots) -> bool:
    """"Where exactly can I see the credits I earned?", "返利在哪看": where they are shown, whatever the story says of
    the friend's payment."""
    return matches(text, r"\bwhere\b[^.?!\n]{0,40}\b(see|view|check|find|look)\b[^.?!\n]{0,40}\b(credits?|rewards?|"
                         r"referral (earnings|bonus))\b",
                   r"(积分|返利|奖励|credits?)[^。？?]{0,10}(在哪|哪里|去哪)(看|查|找)", r"(在哪|哪里|去哪)(看|查|找)[^。？?]{0,10}(积分|返利|奖励|credits?)") \
        and not matches(text, r"\b(expir\w*|valid\w*|how long|when)\b", "过期", "有效期")  # when they expire is validity's


@register("referral_view", When(-2, view_asked, group=REFERRAL), facts=("ref.view",))
def referral_view(r: Reply, p: Parsed) -> str:
    r.fact("ref.view")
    if p.language == "zh":
        return ("FAQ 说：在“Invite Friends, Earn Credits”弹窗的“Your Credit Rewards”中查看积分奖励，或在“Billing - Transaction "
                "History”（账单 - 交易记录）中查看明细。")
    return ("The FAQ: you can view your credit rewards in the Invite Friends, Earn Credits pop-up (Your Credit Rewards), "
            "or see the details under Billing → Transaction History.")


@lru_cache(maxsize=1)
def window_hours() -> float:
    """The campaign's payment window (ref.window), for telling a late payment from a slow issuing."""
    from helpdesk.rules.facts import load_facts
    from helpdesk.settings import Settings
    return float(load_facts(Settings.from_env().facts_path).value("ref.window"))


_GAP = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-?ish\s*)?(个)?\s*(hours?|hrs?|小时|days?|天)\s*(?:\w+\s*){0,2}?(after|later|之后|以后|后)", re.I)


# the day of the payment counted from joining: "注册完第 4 天才付款", "paid on day 4 after signing up"
_NTH_DAY = re.compile(r"(注册|加入|点击|点了|绑定)(完|后|之后|以后)?\s*第\s*(\d+)\s*(天)\s*才?(付款|支付|付费|买|下单|订阅)|"
                      r"\b(paid|bought|subscribed|payment)\b[^.?!\n]{0,20}\bon (the )?(day (\d+)|(\d+)(st|nd|rd|th) day) after "
                      r"(signing up|registering|joining|clicking)", re.I)


# the day of the month of joining, then of paying: "我 2 号把邀请链接发给同事，他当天就注册了，拖到 6 号才付款", "he signed up
# with my link on the 2nd and only paid on the 6th"
_DATES_APART_ZH = re.compile(r"(\d{1,2})\s*(?:号|日)[^。？！?\n]{0,30}?(?:注册|加入|点击|点了|登录|链接|邀请码)[^。？！?\n]{0,40}?"
                             r"(\d{1,2})\s*(?:号|日)\s*(?:才|再)?(?:付款|支付|付费|买|购买|下单|订阅)")
_NTH = r"\bon the (\d{1,2})(?:st|nd|rd|th)\b"
_JOINED_ON = re.compile(rf"{_NTH}[^.?!\n]{{0,40}}?\b(?:signed up|registered|joined|clicked)\b|\b(?:signed up|registered|joined|"
                        rf"clicked)\b[^.?!\n]{{0,40}}?{_NTH}", re.I)
_PAID_ON = re.compile(rf"\b(?:paid|bought|subscribed|purchased)\b[^.?!\n]{{0,30}}?{_NTH}", re.I)


def dates_apart(text: str) -> int | None:
    """Days from joining to paying, told as two days of one month (a later day of the month only: "the 28th ... the
    2nd" may be the next month)."""
    m = _DATES_APART_ZH.search(text)
    if m:
        joined, paid = int(m.group(1)), int(m.group(2))
    else:
        j = _JOINED_ON.search(text)
        p = _PAID_ON.search(text, j.end()) if j else None
        if not p:
            return None
        joined, paid = int(j.group(1) or j.group(2)), int(p.group(1))
    return paid - joined if 1 <= joined < paid <= 31 else None


def late_payment(text: str) -> bool:
    """A payment said to come more than the window after joining ("paid about 80 hours later", "差不多 80 个小时之后才付款",
    "注册完第 4 天才付款"); "5 days since he paid" is time since, not the gap."""
    for m in _GAP.finditer(text):
        hours = float(m.group(1)) * (24 if m.group(3).lower().startswith(("day", "天")) else 1)
        if hours > window_hours():
            return True
    if any((_nth_day(m) - 1) * 24 >= window_hours() for m in _NTH_DAY.finditer(text)):  # the 4th day begins 72 hours in
        return True
    apart = dates_apart(text)  # joined on the 2nd, paid on the 6th: at least three whole days, and then some, between
    return apart is not None and (apart - 1) * 24 >= window_hours()


def _nth_day(m: re.Match) -> int:
    return int(m.group(3) or m.group(9) or m.group(10))


def credits_missing(text: str, s: Slots) -> bool:
    if matches(text, r"\b(deadline|time limit|window|how long|how many days|until when|too late)\b.{0,40}\b(complain\w*|disput\w*|"
                     r"appeal\w*|object\w*)\b", r"(申诉|异议|投诉).{0,10}(期限|时间限制|多久|截止)"):
        return False  # "is there a deadline for complaining about missing credits?": the objection window
    if late_payment(text) and matches(text, r"\b(registered|signed up|clicked|joined|invited)\b.{0,80}\b(paid|pay|bought|subscribed)\b|"
                                 r"\b(paid|bought|subscribed)\b.{0,40}\b(after|later)\b",
                           r"(注册|点击|点了).{0,40}(付款|支付|付费|买)", r"(之后|以后|后)才?(付款|支付|付费|买)"):
        return False  # "paid 80 hours after registering, no credits yet": whether the invite counts, by its timing
    return matches(text, r"\b(still no|not received|haven't (received|got)|didn't (get|receive)|no credits yet|"
                         r"not (arrived|shown|showing)|missing)\b|\b(credits?|rewards?) (is |are |shows? |still )*(still )?(at )?\$?0\b(?!\.\d*[1-9])",
                   "没收到", "没有到账", r"(还|都)?没.{0,14}到账", "未到账",
                   r"(credits?|积分|奖励|返利)\s*(还是|仍然|依然|一直是?)\s*(0|零)(?![.\d])")


# when they arrive, asked in so many words: "credits 啥时候到账？", "when will the credits show up?"
WHEN_ARRIVE = (r"\bwhen (will|would|do|does|should|can)\b[^.?!\n]{0,12}\b(credits?|rewards?|bonus|them|they|it)\b[^.?!\n]{0,12}"
               r"\b(arrive|show up|appear|land|come|be (credited|issued|added|paid))\b",
               r"(credits?|积分|返利|奖励|钱)[^。？?！\n]{0,10}(啥|什么)时候(能|才|会)?(到账|到|发放|发下来|发)",
               r"(啥|什么)时候(能|才|会)?到账",
               r"(credits?|积分|返利|奖励|钱)[^。？?！\n]{0,10}多久(才|能|会)?(到账|到|发放)")


def arrival_asked(text: str, s: Slots) -> bool:
    """"When will I get them?"; with an amount or a delay stated it is a reward or a qualifying question, unless the
    arrival is asked in so many words and no late payment is told ("他说打完折付了 $20 出头，credits 啥时候到账？")."""
    if matches(text, *WHEN_ARRIVE) and not late_payment(text) and not matches(text, r"\bhow (much|many)\b", "多少", "几"):
        return True
    return matches(text, r"\b(how long|when will|when do|arrive|show up|appear|issued|receive|get them|land)\b", "多久",
                   "到账") and not s.money and not s.hours


@register("referral_issuing", When(2, credits_missing, group=REFERRAL), When(7, arrival_asked, group=REFERRAL),
          facts=("ref.issuing",))
def referral_issuing(r: Reply, p: Parsed) -> str:
    low, high, wait = r.fact("ref.issuing")
    if p.language == "zh":
        return (f"积分通常在好友付款确认且订单审核通过后 {low}–{high} 小时内发放（在“财务 - 交易记录”中查看）；"
                f"超过 {wait} 小时仍未收到，请联系客服。")
    return (f"Usually within {low}–{high} hours after your friend's payment is confirmed and the order passes review "
            f"(see Finance → Transaction History). If nothing has arrived after {wait} hours, contact support.")


def objection_asked(text: str, s: Slots) -> bool:
    """An objection to the credits given: disputed, or asked to be checked again ("返利少算了…想让你们重新核一下")."""
    return matches(text, r"\b(objection|dispute|raise it|missed|missing referral|complain|appeal)\b|\b(deadline|time limit|"
                         r"window|how long)\b.{0,40}\bcomplain\w*", "申诉", "异议", "投诉") or (
        matches(text, r"\b(re-?check|re-?calculate|re-?count|look (at|into) it again|check (it|this|that) again|"
                      r"recalculat\w*|wrong amount|too (few|little|low)|less than (it )?should|(invite|invitation|referral) "
                      r"(count|number|total|records?)s? (is |are |looks? |seems? )?(wrong|incorrect|off)|wrong (invite|"
                      r"invitation|referral) (count|number|total))\b",
                "重新(核|算|计算|查|核对)", "再核", "少算", "算错", "少给", "少发",
                r"(邀请|返利)(记录|人数|数量).{0,4}(不对|错了|对不上)"))


@register("referral_objection", When(3, objection_asked, group=REFERRAL), facts=("ref.objection",))
def referral_objection(r: Reply, p: Parsed) -> str:
    days = r.fact("ref.objection")
    if p.language == "zh":
        return (f"{days} 天内：对邀请记录或积分有异议，须在问题出现后 {days} 天内向客服提出；逾期未提出视为放弃。")
    return (f"Within {days} days: objections about invitation records or credits must reach customer service within "
            f"{days} days of the problem arising; later objections are considered waived.")


PAID_BEFORE_ZH = ("老用户", "不是新用户", r"(之前|以前|已经|曾经).{0,4}(付费|订阅|买|购买)过")
NOT_REFUNDED_ZH = ("没有退款", "没退款", "未退款", "不退款", "没有申请退款")


def friend_paid_before(text: str, s: Slots) -> bool:
    # ("he DID have a Lite subscription back in August and let it lapse")
    # (the friend's, not the inviter's: "I had a Lite plan before" says nothing of the friend)
    return matches(text, r"\b(already (had|paid)|paid (subscription|plan) (before|last)|existing (user|subscriber)|"
                         r"not a new user|had a (paid )?subscription)\b|\b(he|she|they|friend|coworker|colleague)\b[^.?!;]{0,25}"
                         r"\b((had|did have) an? (paid |\w+ )?(subscription|plan)|(was|used to be) (a )?(subscriber|subscribed))\b",
                   *PAID_BEFORE_ZH)


NEVER_SUBSCRIBED = re.compile(r"\bnever (bought|paid for|had|purchased|subscribed)\b|(从来|从未|一直)?没(有)?(买|订阅|付费)过.{0,8}"
                              r"(订阅|套餐|plan)|从未(订阅|付费)", re.I)
# the friend's earlier purchase told in the story ("他去年 9 月其实买过一次 Lite 包月", "she bought Pro once last year")
FRIEND_BOUGHT_BEFORE = re.compile(r"\b(he|she|they|friend|coworker|colleague)\b[^.?!;]{0,40}\b(bought|purchased|paid for|"
                                  r"subscribed to)\b[^.?!;]{0,20}\b(lite|pro|max|plan|subscription)\b|"
                                  r"(他|她|朋友|同事|对方)[^。？！；?!]{0,20}(?<![没未])(买|订阅|购买|付费|开通?)过", re.I)
# whether the friend counts as a new user: "他这种算「新用户」吗", "does he count as a new user?"
NEW_USER_ASKED = re.compile(r"\b(count|counts|counted|qualif\w*|considered)\b( as)?( a)? new (user|customer)s?\b|\b(is|am) (he|she|i|they) "
                            r"(still )?(a )?new (user|customer)\b|\bare (they|we) (still )?new (users|customers)\b|新用户(吗|么|嘛)|"
                            r"算.{0,4}新用户|是不是新用户|是否.{0,4}新用户", re.I)  # (whom it asks of: "is the discount only for new users?" not)


def invite_counts_asked(text: str, s: Slots) -> bool:
    """A delay stated, or "does it count / qualify" about a payment or a refund; the friend's own discount, or a
    question whether a deadline is required, is another one."""
    if NEW_USER_ASKED.search(text):
        return True  # (before the discount's exclusion: "do I count as a new user for the 10% off?" asks who counts)
    if matches(text, r"\b(discount|% off|percent off)\b|\b(require|requires|need|needs|have to|has to|must)\b.{0,20}\bwithin\b",
               "折", "优惠"):
        return False
    if late_payment(text) and (_NTH_DAY.search(text) or dates_apart(text) and matches(text, *SOMEONE_ELSE)):
        # "注册完第 4 天才付款 ... 积分一直没到", "2 月 3 号把链接发给同事，他当天就注册了，拖到 2 月 7 号才付款": the day of
        # the payment is the question's answer (a friend's: "我 3 号注册，7 号付款，是我自己的订阅" is none)
        return True
    return bool(s.hours or matches(text, r"\b(qualify|qualif|count|counts|valid|eligible)\b", "有效", "算", "失效", "作废")) and bool(
        s.hours or matches(text, r"\b(refund|refunded|paid|pay)\b", "付款", "支付", "付费", "退款", "退了"))


SOMEONE_ELSE = (r"\b(friend|colleague|coworker|co-worker|he|she|his|her|they|brother|sister|wife|husband|invited me)\b",
                r"朋友|同事|好友|同学|他|她|对方|家人|老婆|老公|兄弟|表弟|表哥|邀请我")


def late_payment_asked(text: str, s: Slots) -> bool:
    """A payment told by its dates or its day, past the window, and whether the invite counts asked: "2 号发了链接，他当天注册，
    拖到 6 号才付款。我这份邀请奖励还算吗？" (before what each side gets, which "邀请链接发给同事" also reads as)."""
    # (whether it counts, asked in a question)
    return late_payment(text) and bool(_NTH_DAY.search(text) or dates_apart(text)) and matches(
        text, r"\b(count|counts|qualif\w*|valid|eligible)\b[^.?!\n]*\?",
        r"(还算|算不算|算吗|有效|作废|失效)[^。？！?\n]*[？?]")


@register("referral_qualifies", When(-5, late_payment_asked, group=REFERRAL), When(4, friend_paid_before, group=REFERRAL),
          When(8, invite_counts_asked, group=REFERRAL),
          facts=("ref.window", "ref.no_refund_24h", "ref.new_user"))
def referral_qualifies(r: Reply, p: Parsed) -> str:
    window = r.fact("ref.window")
    no_refund = r.fact("ref.no_refund_24h")
    r.fact("ref.new_user")
    hours = p.slots.get("hours", [])
    text = p.text
    problems = []
    paid_after = hours[0] if hours else None
    days = next((m for m in re.finditer(r"(\d+|[一二两三四五六七八九十])\s*(days?|天)", text) if span_between(text, m)), None)
    if paid_after is None and days:  # "paid three days later" is hours past the window too
        count = days.group(1)
        paid_after = float(count if count.isdigit() else "一二三四五六七八九十".find(count) + 1 or 2) * 24
    # "after 72 hours", "72 小时后", "超过 72 小时": past the window, even at exactly its length
    late = paid_after is not None and (paid_after > window or re.search(
        rf"\b(after|past|over|more than|beyond)\s+{number(window)}\b|{number(window)}\s*(小时|个小时)\s*(后|以后|之后)|(超过|过了)\s*{number(window)}",
        text))
    zh = p.language == "zh"
    nth = _NTH_DAY.search(text)
    if nth and late_payment(text):  # "注册完第 4 天才付款": the 4th day begins when the window ends
        day = _nth_day(nth)
        problems.append(f"付款发生在加入后的第 {day} 天，超过了 {window} 小时的期限" if zh else
                        f"the payment came on day {day} after joining, past the {window}-hour window")
    elif dates_apart(text) and late_payment(text):
        apart = dates_apart(text)
        problems.append(f"按日期算，加入 {apart} 天后才付款，已超过 {window} 小时的期限" if zh else
                        f"paying {apart} days (by the dates) after joining is past the {window}-hour window")
    elif late:
        problems.append(f"付款发生在邀请后 {number(paid_after)} 小时，超过了 {window} 小时的期限" if zh else
                        f"the payment came {number(paid_after)} hours after the invite, past the {window}-hour window")
    refunded = any(w in text for w in ("refund", "refunded", "退款", "退了"))
    if refunded and not any(w in text for w in ("not refund", "no refund", "didn't refund", "without refund",
                                                *NOT_REFUNDED_ZH)):
        problems.append(f"在 {no_refund} 小时内退款的订单不计入" if zh else
                        f"an order refunded within {no_refund} hours does not count")
    if any(w in text for w in ("already paid", "paid before", "had a subscription", "existing subscriber",
                               "not a new user", "was subscribed", "subscribed before")) or friend_paid_before(text, p.slots) or (
            NEW_USER_ASKED.search(text) and FRIEND_BOUGHT_BEFORE.search(p.story)
            and not NEVER_SUBSCRIBED.search(f"{text} {p.story}")):
        problems.append("你的好友不是新用户：只有新用户（从未付费订阅过）才符合条件" if zh else
                        "your friend is not a new user: only new users (never paid for a subscription) qualify")
    if not problems and NEW_USER_ASKED.search(text):
        # "he registered last year and topped up the API balance, but never bought a subscription: a new user?"
        never = bool(NEVER_SUBSCRIBED.search(f"{text} {p.story}"))  # "从来没买过任何订阅": the definition then says yes
        new_user = r.facts.words("ref.new_user", r"(?<=\()[^)]+")
        definition = (f"FAQ 对新用户的定义是“{new_user}”（从未付费订阅过）；只用过按量付费 API、充过余额，"
                      "并不是订阅" + ("，按这个定义他算新用户。" if never else "。") if zh else
                      f"The FAQ defines a new user as one who \"{new_user}\"; pay-as-you-go API use "
                      "or a balance top-up is no subscription" + (", so by that definition your friend counts as a new "
                                                                 "user." if never else "."))
        problems_said = definition
    else:
        problems_said = ""
    if zh:
        rule_zh = (f"好友需通过你的邀请链接或邀请码加入、是新用户、在 {window} 小时内完成首次 GLM Coding Plan 订阅付款，"
                   f"且订单在 {no_refund} 小时内没有退款，邀请才有效")
        if problems_said:
            return f"{problems_said}总之，{rule_zh}。"
        if problems:
            return "不符合条件：" + "；".join(problems) + f"。总之，{rule_zh}。"
        if paid_after is not None:
            return (f"就时间而言符合：{number(paid_after)} 小时内付款，在 {window} 小时期限之内。总体来说，{rule_zh}。")
        return f"要看具体情况：{rule_zh}。"
    rule = (f"it qualifies when your friend joins through your link or code, is a new user, pays for their first "
            f"GLM Coding Plan subscription within {window} hours, and the order is not refunded within {no_refund} hours")
    if problems_said:
        return f"{problems_said} In short, {rule}."
    if problems:
        return "No: " + "; ".join(problems) + f". In short, {rule}."
    if paid_after is not None:
        return f"Yes, on timing: payment within {number(paid_after)} hours is inside the {window}-hour window. Overall, {rule}."
    return "It depends on the details: " + rule + "."


def cap_asked(text: str, s: Slots) -> bool:
    return matches(text, r"\b(cap|upper limit|maximum number|limit on how many|how many friends can)\b", "上限")


@register("referral_cap", When(5, cap_asked, group=REFERRAL), facts=("ref.no_cap", "ref.tier_extra"))
def referral_cap(r: Reply, p: Parsed) -> str:
    r.fact("ref.no_cap")
    every, pct = r.fact("ref.tier_extra")
    if p.language == "zh":
        return (f"没有上限：邀请人数不设上限，每成功邀请一位好友都能获得相应奖励。此外，每成功邀请 {every} 位，还可额外获得这 "
                f"{every} 位好友实际支付总额 {pct}% 的奖励。")
    return (f"No cap: there is no upper limit on the number of invites, and each successful invite earns its reward. "
            f"Every {every} successful invites also earn an extra {pct}% of those friends' total actual payments.")


def payment_window_asked(text: str, s: Slots) -> bool:
    return matches(text, r"\b(have to pay|has to pay|must pay|pay within|deadline|time limit|how long does (my|the) "
                         r"friend have|window)\b", "多久内", "多长时间内", "几天内", "多少小时内",
                   r"(付款|支付|付费).{0,8}(时限|期限)|(时限|期限).{0,8}(付款|支付|付费)") and not matches(
        text, r"\bminimum|at least\b", "最低")


@register("referral_window", When(6, payment_window_asked, group=REFERRAL), facts=("ref.window", "ref.no_refund_24h"))
def referral_window(r: Reply, p: Parsed) -> str:
    window = r.fact("ref.window")
    no_refund = r.fact("ref.no_refund_24h")
    if p.language == "zh":
        return (f"{window} 小时：好友需在通过你的链接或邀请码加入后 {window} 小时内完成首次 GLM Coding Plan 付款，且订单在 "
                f"{no_refund} 小时内没有退款。")
    return (f"{window} hours: your friend must complete their first GLM Coding Plan payment within {window} hours of "
            f"joining through your link or code, and the order must not be refunded within {no_refund} hours.")


def minimum_payment_asked(text: str, s: Slots) -> bool:
    """The floor on what is paid after discounts and credits; also "it should come to $0.20, checkout asks $0.50"."""
    paying = matches(text, r"\bpay|payment|payable|amount|checkout|charged\b", "支付", "付款", "应付", "金额", "付多少", "付", "扣")
    return paying and (matches(text, r"\bminimum|at least\b", "最低", "最少") or any(abs(m - 0.5) < 1e-9 for m in s.money))


@register("referral_minimum", When(9, minimum_payment_asked, group=REFERRAL), facts=("ref.minimum",))
def referral_minimum(r: Reply, p: Parsed) -> str:
    minimum = r.fact("ref.minimum")
    if p.language == "zh":
        return (f"{minimum:.2f} 美元：扣除所有折扣和积分后，应付金额不得低于 {minimum:.2f} 美元（支付机构 Stripe 的要求）；如果折扣会让"
                "金额低于这个数，折扣会相应调整，以满足最低支付金额。")
    return (f"{minimum:.2f} USD: after all discounts and credits, the amount payable must be at least {minimum:.2f} USD "
            "(a requirement of the payment processor, Stripe); the discount is adjusted if it would go below that "
            "minimum.")


def tier_asked(text: str, s: Slots) -> bool:
    return bool(s.count and s.count >= 30) or matches(
        text, r"\bevery 30\b|\b30 (friends|invites)\b|\btier|extra reward|bonus|\bhow many rounds\b", "额外奖励", "阶梯",
        r"每满\s*30\s*(个)?(人|位|个)", r"\d+\s*(个|位)?人.{0,10}(?<!好)(几|多少)轮")  # "每满 30 人都给？61 人的话算几轮？"


# The round's friends' payments told as one total ("the first-order payments add up to $720", "30 人实付一共 2160 美元")
ROUND_TOTAL = re.compile(r"\b(payments?|paid|payment amounts?|spent|orders?)\b[^.?!\n\d]{0,12}[$]?\s?\d[\d,.]*\s*(usd|dollars?)?\s*"
                         r"(combined|in total|altogether|total)\b|"
                         r"\b(payments?|paid|payment amounts?|spent|orders?)\b(?![^.?!\n]{0,30}\beach\b)[^.?!\n]{0,30}\b(add(s|ed)? up to|"
                         r"total(s|ed|ing|led)?( of| is| was)?|in total|altogether|combined|sum(s|med)? to|come to)\b[^.?!\n\d]{0,6}\d|"
                         r"\btotal (actual )?payments?( amount)?( of| is| was|:)?\s*[$]?\s?\d|"
                         r"(实付|付款|支付|消费)[^。？！\n]{0,8}(总共|一共|合计|总额|加起来|累计)[^。？！\n\d]{0,6}\d", re.I)
# The base reward asked beside the rounds ("每个人那 30% 的基础返利有没有封顶？", "is the per-friend 30% capped?")
BASE_REWARD_ASKED = re.compile(r"\bbase (reward|credits?|rate)\b|\bper[- ]friend\b|\bnormal per-friend\b|基础(返利|奖励|返现)|每个人那?\s*30", re.I)


@register("referral_tier", When(10, tier_asked, group=REFERRAL),
          facts=("ref.tier_extra", "ref.no_cap", "ref.inviter_reward"))
def referral_tier(r: Reply, p: Parsed) -> str:
    every, pct = r.fact("ref.tier_extra")
    r.fact("ref.no_cap")
    count = p.slots.get("count")
    zh = p.language == "zh"
    if zh:
        text = (f"每成功邀请 {every} 位好友，除基础奖励外，还可一次性额外获得这 {every} 位好友实际支付总额 {pct}% 的奖励；"
                "不设上限，可以反复累计。")
    else:
        text = (f"For every {every} successful invites you get an extra one-time reward of {pct}% of those {every} "
            "friends' total actual payments, on top of the base reward; rounds repeat with no upper limit.")
    if BASE_REWARD_ASKED.search(p.text):  # the base reward beside the rounds: its rate, under the same no-limit rule
        rate = r.fact("ref.inviter_reward")
        text += (f"基础奖励是每位好友首单实际支付金额的 {rate}%，规则对邀请人数不设上限。" if zh else
                 f" The base reward is {rate}% of each friend's first-order actual payment; the rules set no upper limit on "
                 "invites.")
    amounts = p.slots.get("money", [])
    told = f"{p.story} {p.text}"
    total = None
    for m in ROUND_TOTAL.finditer(told):
        # the number the total phrase names: the one it ends on ("payments total $180"), or the one inside it ("paid
        # $3,000 combined"), never an earlier amount in its span ("each paid $6 ...")
        at = m.end() - 1 if m.group(0)[-1].isdigit() else None
        found = re.match(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", told[at:]) if at is not None else None
        numbers = re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", m.group(0))
        value = float((found.group(0) if found else numbers[-1] if numbers else "nan").replace(",", ""))
        if value in amounts:
            total = value
            break
    if total is not None:
        # the round's payments told as one total ("add up to $720"): the extra reward is its share of that total
        extra = r.calc("total * pct / 100", total=(total, "question"), pct=(pct, "fact:ref.tier_extra"))
        if zh:
            return f"{money(total)} 的 {pct}% 是 {money(extra)}。" + text
        return f"{pct}% of {money(total)} is {money(extra)}. " + text
    if count and amounts:
        rate = r.fact("ref.inviter_reward")
        each = amounts[0]
        base = r.calc("count * each * rate / 100", count=(count, "question"), each=(each, "question"),
                      rate=(rate, "fact:ref.inviter_reward"))
        rounds = r.calc("count // every", count=(count, "question"), every=(every, "fact:ref.tier_extra"))
        extra = r.calc("rounds * every * each * pct / 100", rounds=(rounds, "calculation"),
                       every=(every, "fact:ref.tier_extra"), each=(each, "question"), pct=(pct, "fact:ref.tier_extra"))
        total = r.calc("base + extra", base=(base, "calculation"), extra=(extra, "calculation"))
        if zh:
            return (f"共 {money(total)} 积分：每位好友 {money(each)} 的 {rate}% 合计 {money(base)}，另加 {number(rounds)} 轮额外"
                    f"奖励（每轮为 {every} 位好友付款的 {pct}%，共 {money(extra)}）。" + text)
        return (f"{money(total)} in credits in total: {rate}% of each friend's {money(each)} is {money(base)}, plus "
                f"{number(rounds)} bonus round(s) of {pct}% of {every} friends' payments ({money(extra)}). " + text)
    if count and count >= every:  # (29 invites "earn 0 rounds" says nothing: the rule itself answers "is there a bonus at 30?")
        rounds = r.calc("count // every", count=(count, "question"), every=(every, "fact:ref.tier_extra"))
        text = (f"邀请 {count} 位好友可获得 {number(rounds)} 轮额外奖励。" if zh else
                f"{number(rounds)} extra reward round(s) for {count} invites. ") + text
    return text


def both_sides_asked(text: str, s: Slots) -> bool:
    """"Send me your invite link so I get it cheaper and you benefit too", "how does the invite program work?": what
    each side gets, not one side's figure."""
    return not s.money and (matches(
        text, r"\b(send|share|give|dm|post)( me)? (me )?(your|a|an|the|ur)\b.{0,20}\b(invite|invitation|referral)\b.{0,10}"
              r"\b(link|code)\b|\b(both|each of us|we both|you (also|too) (benefit|get)|you benefit)\b(?! (subscribed|paid|"
              r"signed up|registered|joined|bought))",
        r"\bhow (does|do) (the |your )?(invite|invitation|referral)\b.{0,20}\b(program\w*|campaign|system|work)",
        r"(邀请|推荐)(链接|码).{0,10}(发|给|分享)|(双方|我们都|你也)(能|可以)?(获得|得到|受益)|邀请.{0,6}(规则|怎么算)"))


@register("referral_both_sides", When(-1, both_sides_asked, group=REFERRAL),
          facts=("ref.friend_discount", "ref.inviter_reward"))
def referral_both_sides(r: Reply, p: Parsed) -> str:
    pct = r.fact("ref.friend_discount")
    rate = r.fact("ref.inviter_reward")
    if p.language == "zh":
        return (f"通过邀请链接或邀请码：受邀好友（新用户）首次订阅 GLM Coding Plan 立减 {pct}%；邀请人获得好友首单实际支付金额 "
                f"{rate}% 的积分。")
    return (f"Through an invite link or code: the invited friend (a new user) gets {pct}% off their first GLM Coding Plan "
            f"subscription, and the inviter gets credits worth {rate}% of the friend's first-order actual payment.")


def friend_discount_asked(text: str, s: Slots) -> bool:
    """"邀请九折" names the rate; "被邀请人首单能打几折" asks the friend's (the inviter's reward "按打折后的金额算吗" is not)."""
    return matches(text, r"\b(friend|invitee|invited user|they)\b.*\b(discount|off|save|pay)\b|\bdiscount\b", "折扣",
                   "优惠", r"[一二三四五六七八九]折", r"(被邀请|受邀|被推荐)[^。？?，,]{0,12}(打?几折|(能|可以|会|有)打折|打折(吗|么|不))"
                   ) and not s.money and not matches(text, r"(?<!被)邀请人(自己)?[^。？?]{0,8}(打折|折扣|优惠)")  # the inviter's own


@register("referral_friend_discount", When(11, friend_discount_asked, group=REFERRAL),
          facts=("ref.friend_discount", "ref.minimum", "ref.new_user", "ref.followups"))
def referral_friend_discount(r: Reply, p: Parsed) -> str:
    pct = r.fact("ref.friend_discount")
    minimum = r.fact("ref.minimum")
    r.fact("ref.new_user")  # "new" includes an account that never paid for a subscription, however old
    r.fact("ref.followups")
    if p.language == "zh":
        return (f"受邀好友首次订阅 GLM Coding Plan 可享 {pct}% 立减（仅限首单；活动规则：后续的续费、升级、降级等订单都不适用，"
                "“Subsequent renewals, upgrades, downgrades, or any other follow-up subscription orders are NOT eligible”）；"
                f"FAQ 说的新用户是从未付费订阅过的用户。扣除所有折扣和积分后的应付金额不得低于 {minimum:.2f} 美元。")
    return (f"Your invited friend gets a {pct}% instant discount on their first GLM Coding Plan subscription, the first "
            "order only: the campaign rules say \"Subsequent renewals, upgrades, downgrades, or any other follow-up "
            "subscription orders are NOT eligible\". A new user, the FAQ says, \"has never paid for a "
            f"subscription\". The amount payable after all discounts and credits must still be at least {minimum:.2f} "
            "USD.")


# Where to see the credits, whose invite counts: questions about the reward that its rate does not answer
WHERE_OR_WHOSE = (r"\bwhere (can|do|does|should|is|are|to)\b|\bwho (gets|got|receives?|earns?)\b|\bwhose\b|"
                  r"去哪|在哪|哪里|哪儿|算谁|归谁|给谁|谁的")
# "had about 18 USD in credits": the subscriber's own credit balance, not a friend's payment to compute a reward on,
# unless the message also says what someone paid
FRIEND_PAID = (r"\b(paid|pays|spent|payment of)\b\s*(\$|usd )?\s?\d|\b(friend|invitee|colleague|coworker|he|she|they)\b.{0,40}"
               r"\b(paid|pays|spent|bought|purchased)\b")
OWN_CREDITS = r"\d\s?(usd|dollars?|bucks|刀|美元)?\s?(in|of|worth of) (my )?(referral |invite )?credits\b|\bcredits? (balance )?of \$?\d"


LIST_PRICE = re.compile(r"原价|标价|定价|\b(list|full|sticker|original) price\b", re.I)
BASE_ASKED = (r"按.{0,24}算\s*还是\s*按|按.{0,24}还是.{0,12}算|(算|计)不(算|计)(进去|在内)?|包不包括|"
              # "我的返利是按哪个金额算的？$30 还是他实际付的？", "the list price or what he actually paid?"
              r"按(哪个|什么|哪一个)(金额|价格|价|数|钱)|(原价|标价|定价).{0,12}还是.{0,12}(实际|实付|付的)|"
              r"\b(list|full|sticker|original) price\b.{0,30}\bor\b.{0,30}\b(actually |really )?paid\b|"
              r"\b(based|calculated|computed|counted) (on|from)\b.{0,60}\bor\b|\b(do|does|are|is|will)\b.{0,40}\b(count|included?)\b")


def reward_asked(text: str, s: Slots) -> bool:
    if matches(text, WHERE_OR_WHOSE):
        return False
    if matches(text, OWN_CREDITS) and not matches(text, FRIEND_PAID):
        return False  # "I have ~$12 of referral credits, can I spend them on GLM-5?": their balance, no reward to compute
    # "返利多少", "返几个点": the amount; a bare 返 (返利 in a story about a refund, a GLM-5 call) asks no rate
    asked = matches(text, r"\b(percent|percentage|%|how much|how many credits|reward|earn|get)\b", "多少", "奖励",
                    r"返(利|佣)?.{0,8}(多少|几|百分之|比例|点|按|怎么算|如何(计)?算)")
    return asked or bool(s.money)


@register("referral_reward", When(14, reward_asked, group=REFERRAL),
          facts=("ref.inviter_reward", "ref.faq_example", "ref.minimum"))
def referral_reward(r: Reply, p: Parsed) -> str:
    rate = r.fact("ref.inviter_reward")
    example = r.fact("ref.faq_example")
    # "按 $30 算还是按刷卡金额算?", "is it based on the list price or what he paid?": which amount counts, not a sum
    which_base = matches(p.text, BASE_ASKED)
    amounts = [] if which_base else p.slots.get("money", [])
    # Discounts are the percentages said with "off" or "discount"; "do I get 30%?" is about the reward, not a discount.
    percents = [float(m.group(2) or m.group(3)) for m in re.finditer(
        r"(?:(extra|additional|another|plus|my)\s+(\d+(?:\.\d+)?)\s?(?:%|percent))|(\d+(?:\.\d+)?)\s?(?:%|percent)\s?"
        r"(?:off\b|(?:first[- ]order |referral |instant )?discount)", p.text)]
    # "原价 $30，首单 5 折，再加 9 折": a list price at n tenths (8.5 折 is 15% off); "打折" alone names no rate, and "$81（相当于 9
    # 折）", "已经是 9 折后的价格" describe the amount paid, not a discount still to take off it
    percents += [round(100 - float(m.group(2)) * (10 if len(m.group(2).replace(".", "")) == 1 or "." in m.group(2)
                                                   else 1), 2)
                 for m in re.finditer(r"(打|首单|再|又|额外|加)?[^\d$（(，,。]{0,3}(?<![\d.])(\d(?:\.\d)?|[1-9]\d)\s*折(?!后的?价)", p.text)
                 if LIST_PRICE.search(p.text) or m.group(1)]
    # (the payment said, in a question asking which amount counts, is still what it is computed on)
    paid = re.search(r"\b(?:paid|pays|payment of|actually paid|actual payment(?: amount)?(?: (?:is|was|of))?)\s*\$?\s?"
                     r"(\d+(?:\.\d+)?)|(?:实际|最后|最终)?(?:付了|支付了|实付|付款)\s*\$\s?(\d+(?:\.\d+)?)", p.text)
    if paid and which_base and not re.search(r"\bactually\b|实际|最后|最终|实付", paid.group(0)):
        paid = None  # ("He paid $30 ... is my reward on $30 or on the discounted price?": which base, asked)
    if paid:  # the friend's actual payment, when stated, is what the reward is computed on
        payment = float(paid.group(1) or paid.group(2))
        credits = r.calc("payment * rate / 100", payment=(payment, "question"), rate=(rate, "fact:ref.inviter_reward"))
        if p.language == "zh":
            return (f"{money(credits)} 积分：好友实际支付 {money(payment)} 的 {rate}%（以活动规则为准；FAQ 中的 {example}% "
                    "只是示例）。" + ("实际支付金额指好友最终实际支付的现金，不含优惠券、折扣和积分抵扣。" if which_base else ""))
        return (f"{money(credits)} in credits: {rate}% of your friend's actual payment of {money(payment)} (campaign "
                f"rules; the FAQ's {example}% was only an example)." + (
                    " Actual payment means the cash your friend really paid, after discounts and credits." if which_base
                    else ""))
    if not amounts and p.language == "zh":
        return (f"邀请人可获得好友首单实际支付金额 {rate}% 的积分（以活动规则页为准；FAQ 中“10% of 40 USD”只是计算示例）。"
                "实际支付金额指好友最终实际支付的现金，不含优惠券、折扣和积分抵扣。")
    if not amounts:
        return (f"{rate}% of your friend's actual payment for their first order, as credits (campaign rules). The "
                "FAQ's \"10% of 40 USD = 4 USD\" is only an example of the calculation. Actual payment means the cash "
                "your friend really paid, after discounts and credits.")
    price = amounts[0]
    # ("原价 $30 ... $30 还是他实际付的": the price said again is no deduction; "a $3 coupon and $3 of credits" are two)
    payment, working = friend_payment(r, p, price, percents, [a for a in amounts[1:] if a != price])
    worked = working != money(price)  # no discount, credit or minimum: the payment is the amount the question gave
    credits = r.calc("payment * rate / 100", payment=(payment, "calculation" if worked else "question"),
                     rate=(rate, "fact:ref.inviter_reward"))
    if p.language == "zh":
        working_zh = f"（{working}）" if worked else ""
        return (f"{money(credits)} 积分：好友实际支付 {money(payment)}{working_zh} 的 {rate}%。以活动规则页的 {rate}% 为准，"
                f"FAQ 中的 {example}% 只是示例。")
    return (f"{money(credits)} in credits: {rate}% of your friend's actual payment of {money(payment)} ({working}). "
            f"The rules page's {rate}% applies; the FAQ's {example}% figure was only an example.")


def friend_payment(r: Reply, p: Parsed, price: float, percents: list[float], credits: list[float]) -> tuple[float, str]:
    """Price after each percentage discount in turn, then credits, never below the 0.50 USD minimum."""
    value, steps = price, [money(price)]
    for pct in percents:
        value = r.calc("value * (100 - pct) / 100", value=(value, "calculation" if len(steps) > 1 else "question"),
                       pct=(pct, "question"))
        steps.append(f"−{number(pct)}%")
    for credit in credits:
        value = r.calc("max(value - credit, 0)", value=(value, "calculation" if len(steps) > 1 else "question"),
                       credit=(credit, "question"))
        steps.append(f"−{money(credit)} 积分" if p.language == "zh" else f"−{money(credit)} credits")
    minimum = r.fact("ref.minimum")
    if value < minimum:
        value = r.calc("minimum", minimum=(minimum, "fact:ref.minimum"))
        steps.append(f"按最低 {minimum:.2f} 美元计" if p.language == "zh" else f"raised to the {minimum:.2f} USD minimum")
    return value, " ".join(steps)
