"""Intent + slots + facts -> a short exact answer: the figure first, the assumption stated, the source cited.

Every number in an answer is either a fact's value or the result of a recorded calculation whose inputs are
facts or numbers the user gave; tests/test_rules.py checks that property over generated questions.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from helpdesk.rules.facts import Facts
from helpdesk.rules.understand import Parsed

PLAN_NAMES = {"lite": "Lite", "pro": "Pro", "max": "Max"}
SUBSCRIBE_PAGE = "https://z.ai/subscribe"
STATED_PRICES = {("lite", "monthly"): "price.lite_monthly", ("pro", "monthly"): "price.pro_monthly"}


@dataclass(frozen=True)
class Calculation:
    expression: str
    inputs: dict  # name -> (value, origin): origin is "fact:<id>" or "question"
    result: float


@dataclass
class Reply:
    facts: Facts
    text: str = ""
    fact_ids: list[str] = field(default_factory=list)
    calculations: list[Calculation] = field(default_factory=list)
    clarify: bool = False

    def fact(self, fact_id: str):
        if fact_id not in self.fact_ids:
            self.fact_ids.append(fact_id)
        return self.facts.value(fact_id)

    def calc(self, expression: str, **inputs) -> float:
        """Evaluate a small arithmetic expression over named inputs, and keep the working for audit."""
        values = {name: value for name, (value, _) in inputs.items()}
        result = eval(expression, {"__builtins__": {}, "min": min, "max": max, "round": round}, values)  # noqa: S307 (our own expressions)
        self.calculations.append(Calculation(expression, inputs, result))
        return result


def money(value: float) -> str:
    value = round(value + 0.0, 2)
    return f"${value:,.0f}" if value == int(value) else f"${value:,.2f}"


def number(value: float) -> str:
    value = round(value + 0.0, 2)
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")


def _plans(p: Parsed) -> list[str]:
    return list(dict.fromkeys(p.slots.get("plans", [])))


# ---- quotas ---------------------------------------------------------------------------------------------

def plan_quota(r: Reply, p: Parsed) -> str:
    plans = _plans(p) or list(PLAN_NAMES)
    glm5 = p.slots.get("glm5")
    lines = []
    for plan in plans:
        quota = r.fact(f"quota.{plan}")
        if glm5 and plan == "lite":
            r.fact("models.lite_no_glm5")
            lines.append("Lite: GLM-5 is not included in the Lite plan yet (it can only be used through the paid general API).")
        elif glm5:
            mult = r.fact("models.glm5_multiplier")
            effective = r.calc("round(quota / multiplier)", quota=(quota, f"fact:quota.{plan}"),
                               multiplier=(mult, "fact:models.glm5_multiplier"))
            lines.append(f"{PLAN_NAMES[plan]}: about {number(effective)} GLM-5 prompts every 5 hours "
                         f"(~{quota} prompts, with GLM-5 counting {mult}× against the quota).")
        else:
            lines.append(f"{PLAN_NAMES[plan]}: up to ~{quota} prompts every 5 hours.")  # written as the FAQ writes it
    r.fact("quota.estimates")
    if p.language == "zh":
        zh = {"lite": "Lite 套餐", "pro": "Pro 套餐", "max": "Max 套餐"}
        body = "；".join(f"{zh[plan]}每 5 小时最多约 {r.facts.value(f'quota.{plan}')} 次提示" for plan in plans)
        return body + "。以上为估算值，实际用量因任务复杂度而异；额度用完后等待下一个 5 小时周期刷新，不会扣除账户余额。"
    r.fact("quota.refresh")
    return ("\n".join(lines) + "\nThese are estimates; the quota refreshes every 5 hours, and running out never "
            "touches your account balance.")


def model_calls(r: Reply, p: Parsed) -> str:
    low, high = r.fact("calls_per_prompt")
    plans = _plans(p)
    if not plans:
        return f"Each prompt typically allows {low}–{high} model calls."
    lines = []
    for plan in plans:
        quota = r.fact(f"quota.{plan}")
        lo = r.calc("quota * low", quota=(quota, f"fact:quota.{plan}"), low=(low, "fact:calls_per_prompt"))
        hi = r.calc("quota * high", quota=(quota, f"fact:quota.{plan}"), high=(high, "fact:calls_per_prompt"))
        lines.append(f"{PLAN_NAMES[plan]}: roughly {number(lo)}–{number(hi)} model calls per 5-hour window "
                     f"(~{quota} prompts × {low}–{high} calls each).")
    return "\n".join(lines) + "\nBoth figures are estimates; real usage varies with the task."


def plan_ratio(r: Reply, p: Parsed) -> str:
    plans = _plans(p)
    if "claude pro" in p.text:
        ratio = r.fact("ratio.lite_vs_claude_pro")
        return f"About {ratio}×: the docs say Lite gives about {ratio}× the usage quota of the Claude Pro plan."
    a, b = (plans + ["lite", "pro"])[:2]
    order = {"lite": 0, "pro": 1, "max": 2}
    big, small = (a, b) if order[a] > order[b] else (b, a)
    q_big, q_small = r.fact(f"quota.{big}"), r.fact(f"quota.{small}")
    ratio = r.calc("big / small", big=(q_big, f"fact:quota.{big}"), small=(q_small, f"fact:quota.{small}"))
    return (f"About {number(ratio)}×: {PLAN_NAMES[big]} has ~{q_big} prompts every 5 hours against "
            f"{PLAN_NAMES[small]}'s ~{q_small}.")


def weekly_quota(r: Reply, p: Parsed) -> str:
    days = r.fact("weekly.cycle")
    r.fact("weekly.grandfathered")
    if p.language == "zh":
        return (f"有。每周额度从下单时间开始计算，每 {days} 天刷新重置一次；2 月 12 日前订阅并开启自动续费的用户，"
                "在订阅期内不受每周额度限制。")
    return (f"Yes: besides the 5-hour limit there is a weekly quota, counted from the time you placed your order and "
            f"reset every {days} days. Subscribers who subscribed and enabled auto-renewal before February 12 keep "
            "unlimited weekly usage for their subscription. The docs do not state the size of the weekly quota; "
            "you can see its progress on your subscription page.")


def grandfathering(r: Reply, p: Parsed) -> str:
    r.fact("grandfather.current_cycle")
    r.fact("grandfather.auto_renewal")
    r.fact("weekly.grandfathered")
    lite, pro, max_ = r.fact("quota.lite"), r.fact("quota.pro"), r.fact("quota.max")
    return ("If you subscribed before February 12, your quota stays as shown at purchase for your current cycle. If "
            "you also enabled auto-renewal before February 12, the renewal price and quota stay unchanged and you "
            "keep unlimited weekly usage for your subscription. Otherwise the current limits apply: Lite ~"
            f"{lite}, Pro ~{pro}, Max ~{max_} prompts every 5 hours.")


def models(r: Reply, p: Parsed) -> str:
    plans = r.fact("models.glm5_plans")
    mult = r.fact("models.glm5_multiplier")
    r.fact("models.all_plans")
    if "lite" in _plans(p) or not _plans(p):
        r.fact("models.lite_no_glm5")
        r.fact("models.lite_glm5_api")
    lite = ("Lite does not include GLM-5 yet; a Lite user can call GLM-5 only through the paid general API "
            "(https://api.z.ai/api/paas/v4/chat/completions), billed to credits then account balance.")
    text = (f"All plans can use GLM-4.7 and the older text models. GLM-5 is available on {plans[1]} and {plans[0]} "
            f"only for now, and each GLM-5 prompt counts {mult}× against your quota.")
    four = r.fact("models.four")
    listed = f" The FAQ lists the callable models as {', '.join(four[:-1])} and {four[-1]}, plus GLM-5 where included."
    when = " The docs don't give a date for GLM-5 on Lite." if re.search(r"\b(when|what date|which date|date)\b", p.text) else ""
    if p.language == "zh":
        return (f"目前 GLM-5 仅支持 Pro 和 Max 套餐（每次调用按 {mult} 倍消耗额度）；Lite 套餐暂不包含 GLM-5，"
                "如需使用只能通过按量付费的通用 API 调用。所有套餐都支持 GLM-4.7 及旧版文本模型。")
    if _plans(p) == ["lite"]:
        return lite + " GLM-4.7 and the older text models are included in every plan." + when
    return text + (" " + lite if "lite" in _plans(p) or not _plans(p) else "") + listed + when


def claude_mapping(r: Reply, p: Parsed) -> str:
    opus, sonnet, haiku = r.fact("claude.opus"), r.fact("claude.sonnet"), r.fact("claude.haiku")
    return (f"Claude Code's default mapping: ANTHROPIC_DEFAULT_OPUS_MODEL → {opus}, ANTHROPIC_DEFAULT_SONNET_MODEL → "
            f"{sonnet}, ANTHROPIC_DEFAULT_HAIKU_MODEL → {haiku}. On Pro or Max you can set a model to \"GLM-5\" "
            "yourself in ~/.claude/settings.json.")


def mcp_quota(r: Reply, p: Parsed) -> str:
    plans = _plans(p) or list(PLAN_NAMES)
    r.fact("mcp.vision")
    values = {plan: r.fact(f"mcp.{plan}") for plan in plans}
    if p.language == "zh":
        zh = "；".join(f"{PLAN_NAMES[plan]} 套餐每月共 {number(v)} 次联网搜索和网页读取" for plan, v in values.items())
        return zh + "。视觉理解不单独计次，使用套餐每 5 小时的提示额度。"
    lines = [f"{PLAN_NAMES[plan]}: {number(v)} web searches and web reader calls per month in total."
             for plan, v in values.items()]
    shared = ""
    if "zread" in p.text:
        r.fact("mcp.zread_pool")
        shared = "\nZread MCP calls count in that same monthly total with web searches and web reader calls."
    return ("\n".join(lines) + shared +
            "\nVision understanding has no separate count: it draws on the plan's 5-hour prompt pool.")


# ---- prices and subscriptions ---------------------------------------------------------------------------

def _price(r: Reply, plan: str, cycle: str) -> float | None:
    fact_id = STATED_PRICES.get((plan, cycle))
    return r.fact(fact_id) if fact_id else None


def plan_price(r: Reply, p: Parsed) -> str:
    plans = _plans(p) or list(PLAN_NAMES)
    cycles = p.slots.get("cycles") or ["monthly"]
    lite, pro = r.fact("price.lite_monthly"), r.fact("price.pro_monthly")
    r.fact("price.from_lite")
    r.fact("price.from_pro")
    r.fact("price.first_purchase_deal")
    stated, missing = [], []
    for plan, cycle in dict.fromkeys((plan, cycle) for plan in plans for cycle in cycles):
        value = _price(r, plan, cycle)
        (stated if value is not None else missing).append((plan, cycle, value))
    if p.language == "zh":
        parts = [f"{PLAN_NAMES[plan]} 包月 {money(v)}" for plan, _, v in stated]
        text = ("文档中的价格：" + "，".join(parts) + "（来自 FAQ 的升级示例）。") if parts else ""
        if missing:
            text += ("文档没有写明 " + "、".join(f"{PLAN_NAMES[plan]} {cycle}" for plan, cycle, _ in missing)
                     + f" 的价格，请以订阅页面为准：{SUBSCRIBE_PAGE}")
        return text
    lines = [f"{PLAN_NAMES[plan]} monthly: {money(value)} (the list price used in the FAQ's upgrade example)."
             for plan, _, value in stated]
    if missing:
        names = ", ".join(f"{PLAN_NAMES[plan]} {cycle}" for plan, cycle, _ in missing)
        lines.append(f"The docs do not state the price of {names}; the current prices are on the subscription page, "
                     f"{SUBSCRIBE_PAGE}.")
    if stated or re.search(r"\bfrom\b|\$\s?(3|15)\b|\b(3|15) (usd|dollars?)\b|overview|starting", p.text):
        lines.append("The overview's \"from 3 USD per month\" (Lite) and \"from 15 USD per month\" (Pro) are starting "
                     f"prices shown beside its 50%-off first-purchase deal: half of {money(lite)} and {money(pro)}.")
    return "\n".join(lines)


def upgrade_cost(r: Reply, p: Parsed) -> str:
    plans = _plans(p)
    cycles = p.slots.get("cycles") or []
    if len(plans) < 2:
        r.clarify = True
        return "Which plan are you upgrading from and to (for example Lite monthly to Pro monthly)?"
    old_plan, new_plan = plans[0], plans[1]
    old_cycle = cycles[0] if cycles else "monthly"
    new_cycle = cycles[1] if len(cycles) > 1 else old_cycle
    days = p.slots.get("days_used")
    if isinstance(days, tuple):  # ("day", N): the Nth day of the cycle; ("halfway", 15): an assumption
        kind, value = days
        days = (r.calc("max(day - 1, 0)", day=(value, "question")) if kind == "day"
                else r.calc("half", half=(value, "assumption")))
    r.fact("sub.cross_tier")
    money_given = p.slots.get("money", [])
    old_price = money_given[0] if len(money_given) >= 2 else _price(r, old_plan, old_cycle)
    new_price = money_given[1] if len(money_given) >= 2 else _price(r, new_plan, new_cycle)
    origin_old = "question" if len(money_given) >= 2 else f"fact:{STATED_PRICES.get((old_plan, old_cycle))}"
    origin_new = "question" if len(money_given) >= 2 else f"fact:{STATED_PRICES.get((new_plan, new_cycle))}"
    if old_price is None or new_price is None:
        unknown = [f"{PLAN_NAMES[pl]} {cy}" for pl, cy, pr in ((old_plan, old_cycle, old_price),
                                                              (new_plan, new_cycle, new_price)) if pr is None]
        return (f"The docs do not state the price of {' or '.join(unknown)}, so I can't give an exact figure. The rule: "
                "a cross-tier upgrade starts immediately and the unused part of your current plan is credited pro "
                f"rata against the new price. Current prices are on {SUBSCRIBE_PAGE}; tell me both prices and how many "
                "days into your cycle you are, and I'll work it out.")
    if days is None:
        r.clarify = True
        same_day = r.calc("max(new - old, 0)", new=(new_price, origin_new), old=(old_price, origin_old))
        return (f"How many days into your current {old_cycle} cycle are you? (Upgrading {PLAN_NAMES[old_plan]} → "
                f"{PLAN_NAMES[new_plan]} on the day you bought it costs {money(same_day)}.)")
    period = {"monthly": 30, "quarterly": 90, "annual": 365}[old_cycle]
    days = min(days, period)
    days_origin = "calculation" if isinstance(p.slots.get("days_used"), tuple) else "question"
    remaining = r.calc("old * (period - days) / period", old=(old_price, origin_old), period=(period, "assumption"),
                       days=(days, days_origin))
    cost = r.calc("max(new - remaining, 0)", new=(new_price, origin_new), remaining=(remaining, "calculation"))
    unused = r.calc("period - days", period=(period, "assumption"), days=(days, days_origin))
    said = p.slots.get("days_said") or f"{number(days)} days used"
    if isinstance(p.slots.get("days_used"), tuple) and p.slots["days_used"][0] == "day":
        said = f"{number(days)} days used ({said})"
    return (f"{money(cost)}: upgrading {PLAN_NAMES[old_plan]} {old_cycle} ({money(old_price)}) → {PLAN_NAMES[new_plan]} "
            f"{new_cycle} ({money(new_price)}) with {said} takes effect immediately; the unused "
            f"{number(unused)}/{period} days of your plan ({money(remaining)}) are credited pro rata, so you pay "
            f"{money(new_price)} − {money(remaining)}. Assumes a {period}-day cycle; the checkout page shows the exact amount.")


def same_tier_upgrade(r: Reply, p: Parsed) -> str:
    r.fact("sub.same_tier")
    cycles = p.slots.get("cycles") or []
    months = {"monthly": 1, "quarterly": 3, "annual": 12}
    if len(cycles) >= 2:
        old, new = cycles[0], cycles[1]
        total = r.calc("old + new", old=(months[old], "assumption"), new=(months[new], "assumption"))
        return (f"{number(total)} months in total: a same-tier upgrade ({old} → {new}) starts only when your current "
                f"plan expires, so the validity periods add up ({months[old]} + {months[new]} months). The FAQ's "
                "example: Lite monthly → Lite annual gives 13 months.")
    return ("The validity periods add up: a same-tier upgrade (e.g. monthly → annual) takes effect only after your "
            "current plan expires. The FAQ's example: Lite monthly → Lite annual gives 13 months of service.")


def upgrade_rules(r: Reply, p: Parsed) -> str:
    r.fact("sub.cross_tier")
    r.fact("sub.same_tier")
    return ("A cross-tier upgrade (e.g. Lite → Pro) takes effect immediately, and the remaining value of your plan is "
            "credited pro rata against the price difference. A same-tier upgrade (e.g. monthly → annual) starts when "
            "your current plan expires, so the validity adds up (Lite monthly → Lite annual = 13 months).")


def downgrade(r: Reply, p: Parsed) -> str:
    r.fact("sub.downgrade")
    return ("A downgrade takes effect after your current billing cycle ends: choose the new plan on the subscription "
            "page and confirm; you keep your current plan until then.")


def cycle_change(r: Reply, p: Parsed) -> str:
    r.fact("sub.billing_cycle_change")
    r.fact("sub.same_tier")
    return ("A billing-cycle change takes effect after your current billing period ends: select the new cycle on the "
            "subscription page and confirm. Upgrading within the same tier (monthly → annual) adds the new period "
            "after your current one (Lite monthly → Lite annual = 13 months).")


def cancel_deadline(r: Reply, p: Parsed) -> str:
    hours = r.fact("sub.cancel")
    when: dt.datetime | None = p.slots.get("date")
    if p.language == "zh":
        return (f"请至少在下一个扣费日前 {hours} 小时在订阅管理页面取消，以免自动续费；取消后当前套餐仍可用到到期。"
                "订阅一经购买不可退款。")
    if when is not None:
        latest = when - dt.timedelta(hours=hours)
        r.calculations.append(Calculation("billing - 24h", {"billing": (when.isoformat(), "question"),
                                                             "hours": (hours, "fact:sub.cancel")}, latest.timestamp()))
        exact = when.hour or when.minute
        moment = latest.strftime("%B %-d, %H:%M") if exact else latest.strftime("%B %-d")
        hint = "" if exact else " at the same time of day as your renewal (the docs count 24 hours before it)"
        return (f"Cancel by {moment}{hint}: cancellation must be at least {hours} hours before the next billing date "
                f"({when.strftime('%B %-d')}). Your plan stays active until it expires.")
    return (f"Cancel at least {hours} hours before your next billing date to avoid the renewal. After cancelling, "
            "your plan stays active until it expires; there is no refund for the unused part.")


def refund(r: Reply, p: Parsed) -> str:
    r.fact("sub.refund")
    if p.language == "zh":
        return "不可以。订阅一经购买不可退款，即使没有用完套餐，费用也不予退还。建议选择最适合自己用量的套餐和计费周期。"
    return ("No: subscriptions are non-refundable once purchased, even if you haven't used your full plan. You can "
            "cancel to stop the next renewal; your plan stays active until it expires.")


def renewal(r: Reply, p: Parsed) -> str:
    r.fact("sub.auto_renew")
    hours = r.fact("sub.cancel")
    return (f"Yes: your subscription will automatically renew at the end of each billing cycle and is charged to your "
            f"saved payment method. To stop it, cancel at least {hours} hours before the next billing date.")


def quota_exhausted(r: Reply, p: Parsed) -> str:
    r.fact("quota.refresh")
    if p.language == "zh":
        return "不会扣除账户余额。额度用完后需要等待下一个 5 小时周期刷新。"
    quotas = "".join(f" {PLAN_NAMES[plan]} gives up to ~{r.fact(f'quota.{plan}')} prompts every 5 hours."
                     for plan in _plans(p))
    return ("No, it never touches your account balance: once the plan quota is used up, wait for the next 5-hour "
            "cycle, when it refreshes." + quotas)


def rate_limits(r: Reply, p: Parsed) -> str:
    page = r.fact("limits.rate_page")
    return ("The docs do not state a number for rate limits or concurrent requests. Your account's current rate "
            f"limits are shown at {page}. The plan's documented limits are prompts per 5 hours and a weekly quota.")


def personal_plan(r: Reply, p: Parsed) -> str:
    r.fact("sub.personal")
    return ("The docs don't mention a team or per-seat plan: a GLM Coding Plan subscription is tied to one account and "
            "licensed only to the individual person who owns it, so it cannot be shared with a team. Ask Z.ai "
            "support about business or API options.")


def api_tool_price(r: Reply, p: Parsed) -> str:
    price = r.fact("api.web_search")
    return (f"{money(price)} per use: the built-in Web Search tool on the general API is billed at {money(price)} "
            "per call (USD). The Coding Plan's web search MCP uses the plan's monthly quota instead.")


def fee_order(r: Reply, p: Parsed) -> str:
    r.fact("sub.fee_order")
    r.fact("sub.fee_order_cash")
    r.fact("sub.fee_order_card")
    r.fact("sub.card_minimum")
    return ("Fees are deducted in this order: 1) your credits balance, 2) your cash balance, 3) your linked payment "
            "method (card or PayPal) for the rest. A card charge has a small minimum (rounded up if less); the docs "
            "do not state its amount.")


def card_minimum(r: Reply, p: Parsed) -> str:
    r.fact("sub.card_minimum")
    return ("The docs say a small minimum applies when charging a credit card and smaller remainders are rounded up, "
            "but they do not state the amount; check the amount at checkout or ask Z.ai support.")


# ---- referral -------------------------------------------------------------------------------------------

def referral_reward(r: Reply, p: Parsed) -> str:
    rate = r.fact("ref.inviter_reward")
    r.fact("ref.faq_example")
    amounts = p.slots.get("money", [])
    # Discounts are the percentages said with "off" or "discount"; "do I get 30%?" is about the reward, not a discount.
    percents = [float(m.group(2) or m.group(3)) for m in re.finditer(
        r"(?:(extra|additional|another|plus|my)\s+(\d+(?:\.\d+)?)\s?(?:%|percent))|(\d+(?:\.\d+)?)\s?(?:%|percent)\s?"
        r"(?:off\b|(?:first[- ]order |referral |instant )?discount)", p.text)]
    paid = re.search(r"\b(?:paid|pays|payment of|actually paid|actual payment(?: amount)?(?: (?:is|was|of))?)\s*\$?\s?"
                     r"(\d+(?:\.\d+)?)", p.text)
    if paid:  # the friend's actual payment, when stated, is what the reward is computed on
        payment = float(paid.group(1))
        credits = r.calc("payment * rate / 100", payment=(payment, "question"), rate=(rate, "fact:ref.inviter_reward"))
        return (f"{money(credits)} in credits: {rate}% of your friend's actual payment of {money(payment)} (campaign "
                "rules; the FAQ's 10% was only an example).")
    if not amounts and p.language == "zh":
        return (f"邀请人可获得好友首单实际支付金额 {rate}% 的积分（以活动规则页为准；FAQ 中“10% of 40 USD”只是计算示例）。"
                "实际支付金额指好友最终实际支付的现金，不含优惠券、折扣和积分抵扣。")
    if not amounts:
        return (f"{rate}% of your friend's actual payment for their first order, as credits (campaign rules). The "
                "FAQ's \"10% of 40 USD = 4 USD\" is only an example of the calculation. Actual payment means the cash "
                "your friend really paid, after discounts and credits.")
    price = amounts[0]
    payment, working = friend_payment(r, p, price, percents, amounts[1:])
    credits = r.calc("payment * rate / 100", payment=(payment, "calculation"), rate=(rate, "fact:ref.inviter_reward"))
    return (f"{money(credits)} in credits: {rate}% of your friend's actual payment of {money(payment)} ({working}). "
            "The rules page's 30% applies; the FAQ's 10% figure was only an example.")


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
        steps.append(f"−{money(credit)} credits")
    minimum = r.fact("ref.minimum")
    if value < minimum:
        value = r.calc("minimum", minimum=(minimum, "fact:ref.minimum"))
        steps.append("raised to the 0.50 USD minimum")
    return value, " ".join(steps)


def referral_friend_discount(r: Reply, p: Parsed) -> str:
    pct = r.fact("ref.friend_discount")
    r.fact("ref.minimum")
    if p.language == "zh":
        return (f"受邀好友首次订阅 GLM Coding Plan 可享 {pct}% 立减（仅限新用户首单，续费和升级不适用）；"
                "扣除所有折扣和积分后的应付金额不得低于 0.50 美元。")
    return (f"Your invited friend gets a {pct}% instant discount on their first GLM Coding Plan subscription (new "
            "users only, first order only; renewals and upgrades don't qualify). The amount payable after all "
            "discounts and credits must still be at least 0.50 USD.")


def referral_tier(r: Reply, p: Parsed) -> str:
    every, pct = r.fact("ref.tier_extra")
    r.fact("ref.no_cap")
    count = p.slots.get("count")
    text = (f"For every {every} successful invites you get an extra one-time reward of {pct}% of those {every} "
            "friends' total actual payments, on top of the base reward; rounds repeat with no upper limit.")
    amounts = p.slots.get("money", [])
    if count and amounts:
        rate = r.fact("ref.inviter_reward")
        each = amounts[0]
        base = r.calc("count * each * rate / 100", count=(count, "question"), each=(each, "question"),
                      rate=(rate, "fact:ref.inviter_reward"))
        rounds = r.calc("count // every", count=(count, "question"), every=(every, "fact:ref.tier_extra"))
        extra = r.calc("rounds * every * each * pct / 100", rounds=(rounds, "calculation"),
                       every=(every, "fact:ref.tier_extra"), each=(each, "question"), pct=(pct, "fact:ref.tier_extra"))
        total = r.calc("base + extra", base=(base, "calculation"), extra=(extra, "calculation"))
        return (f"{money(total)} in credits in total: {rate}% of each friend's {money(each)} is {money(base)}, plus "
                f"{number(rounds)} bonus round(s) of {pct}% of {every} friends' payments ({money(extra)}). " + text)
    if count:
        rounds = r.calc("count // every", count=(count, "question"), every=(every, "fact:ref.tier_extra"))
        text = f"{number(rounds)} extra reward round(s) for {count} invites. " + text
    return text


def referral_qualifies(r: Reply, p: Parsed) -> str:
    window = r.fact("ref.window")
    no_refund = r.fact("ref.no_refund_24h")
    r.fact("ref.new_user")
    hours = p.slots.get("hours", [])
    text = p.text
    problems = []
    paid_after = hours[0] if hours else None
    if paid_after is not None and paid_after > window:
        problems.append(f"the payment came {number(paid_after)} hours after the invite, past the {window}-hour window")
    refunded = any(w in text for w in ("refund", "refunded", "退款"))
    if refunded and not any(w in text for w in ("not refund", "no refund", "didn't refund", "without refund")):
        problems.append(f"an order refunded within {no_refund} hours does not count")
    if any(w in text for w in ("already paid", "paid before", "had a subscription", "existing subscriber",
                               "not a new user", "was subscribed", "subscribed before")):
        problems.append("only new users (never paid for a subscription) qualify")
    rule = (f"it qualifies when your friend joins through your link or code, is a new user, pays for their first "
            f"GLM Coding Plan subscription within {window} hours, and the order is not refunded within {no_refund} hours")
    if problems:
        return "No: " + "; ".join(problems) + f". In short, {rule}."
    if paid_after is not None:
        return f"Yes, on timing: payment within {number(paid_after)} hours is inside the {window}-hour window. Overall, {rule}."
    return "It depends on the details: " + rule + "."


def referral_issuing(r: Reply, p: Parsed) -> str:
    low, high, wait = r.fact("ref.issuing")
    if p.language == "zh":
        return (f"积分通常在好友付款确认且订单审核通过后 {low}–{high} 小时内发放（在“财务 - 交易记录”中查看）；"
                f"超过 {wait} 小时仍未收到，请联系客服。")
    return (f"Usually within {low}–{high} hours after your friend's payment is confirmed and the order passes review "
            f"(see Finance → Transaction History). If nothing has arrived after {wait} hours, contact support.")


def referral_withdraw(r: Reply, p: Parsed) -> str:
    r.fact("ref.no_withdraw")
    if p.language == "zh":
        return "不可以。积分属于促销权益，不能提现、转让或退款，只能在 Z.ai 平台抵扣订阅、资源包、功能扩展和 API 调用费用。"
    return ("No: credits are promotional and cannot be withdrawn, transferred or refunded. You can spend them on Z.ai "
            "purchases: GLM Coding Plan subscriptions, resource packs, feature extensions and API calls.")


def referral_cap(r: Reply, p: Parsed) -> str:
    r.fact("ref.no_cap")
    every, pct = r.fact("ref.tier_extra")
    return (f"No cap: there is no upper limit on the number of invites, and each successful invite earns its reward. "
            f"Every {every} successful invites also earn an extra {pct}% of those friends' total actual payments.")


def referral_window(r: Reply, p: Parsed) -> str:
    window = r.fact("ref.window")
    no_refund = r.fact("ref.no_refund_24h")
    return (f"{window} hours: your friend must complete their first GLM Coding Plan payment within {window} hours of "
            f"joining through your link or code, and the order must not be refunded within {no_refund} hours.")


def referral_objection(r: Reply, p: Parsed) -> str:
    days = r.fact("ref.objection")
    return (f"Within {days} days: objections about invitation records or credits must reach customer service within "
            f"{days} days of the problem arising; later objections are considered waived.")


def referral_minimum(r: Reply, p: Parsed) -> str:
    r.fact("ref.minimum")
    return ("0.50 USD: after all discounts and credits, the amount payable must be at least 0.50 USD (a payment "
            "processor requirement); the discount is adjusted if it would go below that.")


# ---- API and tools --------------------------------------------------------------------------------------

API_MODELS = {"glm-4.7", "glm-4.7-flashx", "glm-4.6", "glm-4.6v", "glm-4.5", "glm-4.5v", "glm-4.5-x", "glm-4.5-air",
              "glm-4.5-airx", "glm-4.7-flash", "glm-4.5-flash"}


def api_cost(r: Reply, p: Parsed) -> str:
    model = p.slots.get("api_model")
    if p.slots.get("glm5") and not model:
        r.fact("api.pricing_page")
        return ("The pricing page in the docs does not list GLM-5; check the current price on the Z.ai pricing page "
                "(https://docs.z.ai/guides/overview/pricing).")
    if model not in API_MODELS:
        r.clarify = True
        return "Which model? The pricing page lists per-1M-token prices for GLM-4.7, GLM-4.6, GLM-4.5 and their variants."
    fact_id = f"api.{model}"
    price_in, price_cached, price_out = r.fact(fact_id)
    tokens = p.slots.get("tokens", {})
    name = model.upper().replace("GLM-", "GLM-").replace("FLASHX", "FlashX").replace("FLASH", "Flash").replace(
        "AIRX", "AirX").replace("AIR", "Air")
    if not tokens:
        return (f"{name}: {money(price_in)} per 1M input tokens, {money(price_cached)} per 1M cached input tokens, "
                f"{money(price_out)} per 1M output tokens (USD, general API pay-as-you-go).")
    total = r.calc("inp / 1e6 * pin + out / 1e6 * pout + cached / 1e6 * pcached",
                   inp=(tokens.get("input", 0), "question"), out=(tokens.get("output", 0), "question"),
                   cached=(tokens.get("cached", 0), "question"), pin=(price_in, f"fact:{fact_id}"),
                   pout=(price_out, f"fact:{fact_id}"), pcached=(price_cached, f"fact:{fact_id}"))
    parts = [f"{number(tokens[k])} {k} tokens" for k in ("input", "cached", "output") if tokens.get(k)]
    return (f"{money(total)}: {' + '.join(parts)} on {name} at {money(price_in)} input / {money(price_out)} output "
            "per 1M tokens (general API list prices, USD). Coding Plan usage in supported tools is not billed this way.")


CODING_TOOLS = ("cline", "roo code", "kilo code", "opencode", "open code", "crush", "cursor", "factory droid", "droid",
                "trae", "eigent", "gemini cli", "grok cli", "cherry studio")


def endpoint(r: Reply, p: Parsed) -> str:
    anthropic = r.fact("endpoint.anthropic")
    coding = r.fact("endpoint.coding")
    text = p.text
    if "claude code" in text or "goose" in text:
        tool = "Claude Code" if "claude code" in text else "Goose"
        return f"{tool} uses the Anthropic-compatible endpoint {anthropic} with your Z.ai API key."
    for tool in CODING_TOOLS:
        if tool in text:
            return (f"Use the Coding Plan endpoint {coding} in {tool.title()} (not the general API), with your Z.ai "
                    "API key.")
    general = r.fact("endpoint.general")
    r.fact("tool.others.openai")
    return (f"Claude Code and Goose: {anthropic}. Other coding tools (Cline, Kilo Code, Roo Code, OpenCode, Crush, "
            f"Cursor, ...): {coding}; any tool that speaks the OpenAI protocol works with that base URL and the model "
            f"GLM-4.7. The general API ({general}) is billed separately and does not use the plan.")


def supported_tools(r: Reply, p: Parsed) -> str:
    tools = r.fact("tools.supported")
    r.fact("tools.shared_quota")
    return ("The Coding Plan supports " + ", ".join(tools) + ". All of them share your plan's quota.")


HANDLERS = {
    "plan_quota": plan_quota, "model_calls": model_calls, "plan_ratio": plan_ratio, "weekly_quota": weekly_quota,
    "grandfathering": grandfathering, "models": models, "claude_mapping": claude_mapping, "mcp_quota": mcp_quota,
    "plan_price": plan_price, "upgrade_cost": upgrade_cost, "same_tier_upgrade": same_tier_upgrade,
    "upgrade_rules": upgrade_rules, "downgrade": downgrade, "cycle_change": cycle_change,
    "cancel_deadline": cancel_deadline, "refund": refund, "fee_order": fee_order, "card_minimum": card_minimum,
    "referral_reward": referral_reward, "referral_friend_discount": referral_friend_discount,
    "referral_tier": referral_tier, "referral_qualifies": referral_qualifies, "referral_issuing": referral_issuing,
    "referral_withdraw": referral_withdraw, "referral_minimum": referral_minimum, "api_cost": api_cost,
    "referral_cap": referral_cap, "referral_window": referral_window, "referral_objection": referral_objection,
    "renewal": renewal, "quota_exhausted": quota_exhausted, "rate_limits": rate_limits,
    "personal_plan": personal_plan, "api_tool_price": api_tool_price,
    "endpoint": endpoint, "supported_tools": supported_tools,
}


def respond(parsed: Parsed, facts: Facts) -> Reply:
    reply = Reply(facts=facts)
    reply.text = HANDLERS[parsed.intent](reply, parsed)
    return reply
