"""The rules layer as a table: question (+ history) -> intent, slots, and the figures the answer must and must not show.

Every row is written from the docs (devpack-faq, devpack-credit-campaign-rules, guides-api-pricing, devpack-overview)
in a subscriber's words, not from the code. Expected figures are worked out by hand from those pages:

- quotas per 5 hours: Lite ~80, Pro ~400, Max ~1600 (the FAQ of 2026-02-12; the overview's 120/600/2400 is superseded);
- GLM-5 counts 3x, so Pro ~133 and Max ~533 GLM-5 prompts; Lite has no GLM-5 on the plan;
- model calls per window: quota x 15..20;
- cross-tier upgrade on a 30-day month: new - old * (30 - days_used) / 30, where "day N" means N - 1 days used and
  "N days ago" / "for N days" means N days used; Lite $6 -> Pro $30;
- referral: friend 10% off, inviter 30% of the actual payment (the FAQ's 10% is an example), extra 10% per 30 invites.

A row the rules layer currently gets wrong keeps its correct expectation and carries a strict xfail naming the fault.
"""

from __future__ import annotations

import re
from pathlib import Path

import frontmatter
import pytest

from helpdesk.rules import answer_rules, explain
from helpdesk.rules.facts import load_facts
from helpdesk.settings import Settings

SETTINGS = Settings.from_env({})  # the rules need no index: facts.toml and the corpus front matter are enough
FACTS = load_facts(SETTINGS.facts_path)  # read once, as a Helpdesk holds them
CORPUS = SETTINGS.corpus_dir
CJK = re.compile(r"[\u4e00-\u9fff]")

# Never acceptable in any rules answer: the overview's superseded quotas, and a dollar figure for Max (the docs state
# no Max price, so any such figure would be invented).
ALWAYS_FORBIDDEN = (r"~?\b(120|600|2,?400) prompts", r"\bMax\b[^.\n]*\$\d")
NO_DOLLAR = r"\$\s?\d"


def usd(amount: str) -> str:
    """A regex for exactly this dollar amount: "26" matches "$26" or "$26.00" but not "$26.80" or "$260"; "0.60"
    matches "$0.6" (as the pricing page writes it) or "$0.60"."""
    if "." in amount:
        whole, cents = amount.split(".")
        cents = cents.rstrip("0")
        return rf"\${re.escape(whole)}\.{cents}0*(?!\d)" if cents else rf"\${re.escape(whole)}(?:\.0+)?(?!\.?\d)"
    return rf"\${re.escape(amount)}(?:\.0+)?(?!\.?\d)"


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def bot(text: str) -> dict:
    return {"role": "assistant", "content": text}


def row(question, intent, slots=None, must=(), must_not=(), *, history=(), clarify=False, zh=False, bug=None):
    """One case. `bug` marks a row the code gets wrong today: a strict xfail, so fixing the code flips it to a pass."""
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    values = (question, tuple(history), intent, dict(slots or {}), tuple(must), tuple(must_not), clarify, zh)
    return pytest.param(*values, marks=marks)


RAW = [
    # ---- plan quotas: prompts every 5 hours, per plan and for all plans ----------------------------------------
    row("How many prompts do I get on Lite every 5 hours?", "plan_quota", {"plans": ["lite"]}, [r"~?80 prompts"]),
    row("pro plan prompt limit?", "plan_quota", {"plans": ["pro"]}, [r"~?400 prompts"], [r"\b80 prompts"]),
    row("MAX quota per 5h", "plan_quota", {"plans": ["max"]}, [r"~?1,?600 prompts"]),
    row("lite plan: how many prompts in five hours", "plan_quota", {"plans": ["lite"]}, [r"~?80 prompts", r"5 hours"]),
    row("how many promts on each plan", "plan_quota", {}, [r"~?80 prompts", r"~?400 prompts", r"~?1,?600 prompts"]),
    row("what's the usage quota for lite, pro and max?", "plan_quota", {"plans": ["lite", "pro", "max"]},
        [r"~?80 prompts", r"~?400 prompts", r"~?1,?600 prompts"]),
    row("does the quota reset every 5 hours?", "plan_quota", {}, [r"refreshes every 5 hours"]),
    row("If I run out of prompts on Pro, does it eat my account balance?", "quota_exhausted", {"plans": ["pro"]},
        [r"will not deduct from your account balance", r"~?400 prompts"]),

    # ---- GLM-5: 3x quota, so quota/3 effective prompts; Lite has none on the plan --------------------------------
    row("How many GLM-5 prompts can I send on Pro every five hours?", "plan_quota", {"plans": ["pro"], "glm5": True},
        [r"\b133\b", r"3×"], [r"\b400 GLM-5 prompts"]),
    row("glm5 quota on max plan", "plan_quota", {"plans": ["max"], "glm5": True}, [r"\b533\b"]),
    row("how many glm-5 prompts do i get on lite", "plan_quota", {"plans": ["lite"], "glm5": True},
        [r"(not included|does not include)", r"general API"], [r"\b2[67]\b"]),
    row("how many GLM-5 prompts does each plan get?", "plan_quota", {"glm5": True},
        [r"\b133\b", r"\b533\b", r"Lite[^.\n]*not"]),
    row("can I use GLM-5 on lite?", "models", {"plans": ["lite"], "glm5": True},
        [r"(does not|doesn't) include GLM-5", r"https://api\.z\.ai/api/paas/v4/chat/completions"]),
    row("Does Max support GLM-5?", "models", {"plans": ["max"], "glm5": True}, [r"GLM-5 is available on", r"3×"]),

    # ---- model calls per 5-hour window: quota x 15..20 -------------------------------------------------------
    row("how many model calls per 5 hours on the Pro plan?", "model_calls", {"plans": ["pro"]},
        [r"6,000\s*[–-]\s*8,000"]),
    row("how many model calls does max give me", "model_calls", {"plans": ["max"]}, [r"24,000\s*[–-]\s*32,000"]),
    row("Lite model calls per window", "model_calls", {"plans": ["lite"]}, [r"1,200\s*[–-]\s*1,600"]),
    row("model calls per prompt?", "model_calls", {}, [r"15\s*[–-]\s*20 model calls"]),

    # ---- ratios between plans, and Lite against Claude Pro ---------------------------------------------------
    row("how many times bigger is Pro than Lite?", "plan_ratio", {"plans": ["pro", "lite"]}, [r"About 5×"]),
    row("Max vs Pro quota ratio", "plan_ratio", {"plans": ["max", "pro"]}, [r"About 4×"]),
    row("how does pro compare with max", "plan_ratio", {"plans": ["pro", "max"]}, [r"About 4×"]),
    row("how many times more prompts does Max have than Lite", "plan_ratio", {"plans": ["max", "lite"]},
        [r"About 20×"]),
    row("how does Lite compare to Claude Pro?", "plan_ratio", {}, [r"3×", r"Claude Pro"]),

    # ---- weekly quota: 7-day cycle from the order time; its size is not stated ---------------------------------
    row("Is there a weekly limit?", "weekly_quota", {}, [r"weekly quota", r"7 days"]),
    row("when does the weekly quota reset?", "weekly_quota", {}, [r"7 days", r"order"]),
    row("how big is the weekly quota? how many prompts per week?", "weekly_quota", {},
        [r"do(es)? not state the size"], [r"\d[\d,]* prompts (per|a|each|every) week"]),

    # ---- February 12 grandfathering --------------------------------------------------------------------------
    row("I subscribed before February 12, does my quota change?", "grandfathering", {},
        [r"February 12", r"current (subscription )?cycle"]),
    row("what does the feb 12 change mean for auto-renewal users", "grandfathering", {},
        [r"renewal price and quota stay unchanged", r"unlimited weekly"]),
    # whether the weekly limit applies to them is the February 12 rule's answer (it was the weekly quota's)
    row("I turned on auto renew in january, before feb 12 - am I affected by the weekly limit?", "grandfathering", {},
        [r"before February 12", r"unlimited weekly"]),

    # ---- models per plan, Claude Code mapping ----------------------------------------------------------------
    row("which models can I use on the Pro plan?", "models", {"plans": ["pro"]}, [r"GLM-4\.7", r"GLM-5"]),
    row("what models does lite include", "models", {"plans": ["lite"]}, [r"GLM-4\.7", r"(does not|doesn't) include GLM-5"]),
    row("what is the default model mapping in claude code?", "claude_mapping", {},
        [r"OPUS_MODEL → GLM-4\.7", r"SONNET_MODEL → GLM-4\.7", r"HAIKU_MODEL → GLM-4\.5-Air"], [r"OPUS_MODEL → GLM-5"]),
    row("which GLM model does opus map to", "claude_mapping", {}, [r"OPUS_MODEL → GLM-4\.7"]),
    row("What does haiku map to?", "claude_mapping", {}, [r"HAIKU_MODEL → GLM-4\.5-Air"]),
    row("How do I change the default model in Claude Code to GLM-5?", "claude_mapping", {"glm5": True},
        [r"settings\.json", r"GLM-5"]),

    # ---- MCP: web search + web reader per month; vision uses the 5-hour pool -----------------------------------
    row("How many web searches per month on Lite?", "mcp_quota", {"plans": ["lite"]}, [r"\b100 web searches"]),
    row("web reader quota for pro plan", "mcp_quota", {"plans": ["pro"]}, [r"\b1,000 web searches"]),
    row("MCP quota max", "mcp_quota", {"plans": ["max"]}, [r"\b4,000 web searches"]),
    row("web serach quota lite", "mcp_quota", {"plans": ["lite"]}, [r"\b100 web searches"]),
    row("how many web searches per month on all plans?", "mcp_quota", {},
        [r"\b100 web", r"\b1,000 web", r"\b4,000 web"]),
    row("does vision understanding have its own quota?", "mcp_quota", {}, [r"5-hour prompt pool"]),
    row("how many vision calls do I get per month on pro", "mcp_quota", {"plans": ["pro"]},
        [r"5-hour prompt pool"], [r"\d[\d,]* vision"]),

    # ---- stated prices (Lite $6, Pro $30 monthly), the overview's "from" prices, and prices the docs omit --------
    row("How much is the Lite plan per month?", "plan_price", {"plans": ["lite"]}, [usd("6")], [usd("3")]),
    row("pro monthly price?", "plan_price", {"plans": ["pro"], "cycles": ["monthly"]}, [usd("30")]),
    row("How much does the Max plan cost?", "plan_price", {"plans": ["max"]}, [r"do(es)? not state"], [NO_DOLLAR]),
    row("max yearly price", "plan_price", {"plans": ["max"], "cycles": ["annual"]}, [r"do(es)? not state"],
        [NO_DOLLAR]),
    row("how much is the Max plan per quarter", "plan_price", {"plans": ["max"], "cycles": ["quarterly"]},
        [r"do(es)? not state"], [NO_DOLLAR]),
    row("What does the Lite quarterly plan cost?", "plan_price", {"plans": ["lite"], "cycles": ["quarterly"]},
        [r"do(es)? not state the price of Lite quarterly"], [r"quarterly[^.\n]*\$\d"]),
    row("annual price for pro", "plan_price", {"plans": ["pro"], "cycles": ["annual"]},
        [r"do(es)? not state the price of Pro annual"], [r"annual[^.\n]*\$\d"]),
    row("how much is the coding plan", "plan_price", {}, [usd("6"), usd("30"), r"not state the price of Max"]),
    row("what's the starting price of the coding plan?", "plan_price", {}, [r"3 USD", r"15 USD", r"50%"]),
    row("the overview says plans start at $3/month, what's the lite price?", "plan_price", {"plans": ["lite"]},
        [usd("6"), r"3 USD", r"50%"]),
    row("the overview says from $3 a month, is that right?", "plan_price", {},
        [r"3 USD", usd("6"), r"50%"]),
    row("why does the overview say Pro is from 15 USD per month but the FAQ says $30?", "plan_price",
        {"plans": ["pro"]}, [r"15 USD", usd("30"), r"50%"]),
    row("is the Lite plan 3 or 6 dollars a month?", "plan_price", {"plans": ["lite"]}, [usd("6"), r"3 USD"]),

    # ---- cross-tier upgrade cost on a 30-day month ------------------------------------------------------------
    row("What does upgrading from Lite to Pro cost on day 5 of my cycle?", "upgrade_cost",
        {"plans": ["lite", "pro"], "days_used": 4}, [usd("24.80"), r"30-day"]),
    row("I bought Lite ten days ago, how much to upgarde to Pro?", "upgrade_cost",
        {"plans": ["lite", "pro"], "days_used": 10}, [usd("26"), r"30-day"]),
    row("two weeks in on lite monthly, what's the cost to upgrade to pro", "upgrade_cost",
        {"plans": ["lite", "pro"], "cycles": ["monthly"], "days_used": 14}, [usd("26.80")]),
    row("I've had Lite for 15 days, upgrade to Pro price?", "upgrade_cost",
        {"plans": ["lite", "pro"], "days_used": 15}, [usd("27")]),
    row("upgrade lite->pro after one week", "upgrade_cost", {"plans": ["lite", "pro"], "days_used": 7},
        [usd("25.40")]),
    row("I'm 20 days into my Lite plan, what's the upgrade cost to Pro?", "upgrade_cost",
        {"plans": ["lite", "pro"], "days_used": 20}, [usd("28")]),
    row("what does it cost to upgrade lite to pro halfway through the month", "upgrade_cost",
        {"plans": ["lite", "pro"], "days_used": 15}, [usd("27")]),
    row("upgrade lite to pro, I'm on day 1, how much?", "upgrade_cost", {"plans": ["lite", "pro"], "days_used": 0},
        [usd("24")]),
    row("upgrading lite to pro on the same day I bought it, how much?", "upgrade_cost",
        {"plans": ["lite", "pro"], "days_used": 0}, [usd("24")]),
    row("How much to upgrade from Lite to Max on day 3?", "upgrade_cost", {"plans": ["lite", "max"], "days_used": 2},
        [r"do(es)? not state the price of Max"], [NO_DOLLAR]),
    row("upgrade cost from Pro to Max on day 10?", "upgrade_cost", {"plans": ["pro", "max"], "days_used": 9},
        [r"do(es)? not state the price of Max"], [NO_DOLLAR]),
    row("upgrade Lite quarterly to Pro quarterly 5 days in, cost?", "upgrade_cost",
        {"plans": ["lite", "pro"], "days_used": 5}, [r"do(es)? not state the price of Lite quarterly"], [NO_DOLLAR]),
    # missing slots -> one clarifying question
    row("What does upgrading cost?", "upgrade_cost", {}, [r"Which plan"], clarify=True),
    row("how much does it cost to upgrade from lite to pro", "upgrade_cost", {"plans": ["lite", "pro"]},
        [r"How many days"], clarify=True),

    # ---- same-tier upgrade: validity accumulates --------------------------------------------------------------
    row("if I upgrade from Lite monthly to Lite annual how many months do I get", "same_tier_upgrade",
        {"cycles": ["monthly", "annual"]}, [r"\b13 months"]),
    row("quarterly to annual on pro, total validity?", "same_tier_upgrade", {"cycles": ["quarterly", "annual"]},
        [r"\b15 months"]),
    row("lite monthly to lite quarterly, how many months total?", "same_tier_upgrade",
        {"cycles": ["monthly", "quarterly"]}, [r"\b4 months"]),
    row("I'm on Pro monthly and buy Pro annual, when does the annual start and how long in total?",
        "same_tier_upgrade", {"plans": ["pro"]}, [r"\b13 months", r"expires"]),
    row("can I upgrade from Lite to Pro?", "upgrade_rules", {"plans": ["lite", "pro"]},
        [r"immediately", r"pro-rated basis", r"account balance"]),

    # ---- downgrade and billing-cycle change: after the current cycle --------------------------------------------
    row("How do I downgrade from Max to Pro?", "downgrade", {"plans": ["max", "pro"]},
        [r"after your current billing cycle ends"], [NO_DOLLAR]),
    row("when does a downgrade take effect", "downgrade", {}, [r"after your current billing cycle ends"]),
    row("can I go from Max to Lite mid-cycle?", "downgrade", {"plans": ["max", "lite"]},
        [r"after your current billing cycle ends"]),
    row("can I switch from monthly to annual billing?", "cycle_change", {"cycles": ["monthly", "annual"]},
        [r"after your current billing period ends"]),
    row("switch billing from monthly to yearly, when does it apply?", "cycle_change", {"cycles": ["monthly", "annual"]},
        [r"after your current billing period ends"]),
    row("change billing cycle to quarterly", "cycle_change", {"cycles": ["quarterly"]},
        [r"after your current billing period ends"]),

    # ---- cancellation: at least 24 h before billing --------------------------------------------------------------
    row("how do I cancel my subscription?", "cancel_deadline", {}, [r"at least 24 hours before"]),
    row("my plan renews on March 10, when is the latest I can cancel?", "cancel_deadline", {},
        [r"Cancel by March 9\b"]),
    row("billing date is 2026-09-15 14:30, latest cancel time?", "cancel_deadline", {},
        [r"September 14, 14:30"]),
    row("renewal on 3rd of April at 9am, by when must i cancel", "cancel_deadline", {}, [r"April 2, 09:00"]),
    row("my subscription renews on 2026-12-15 at 14:30, latest time to cancel?", "cancel_deadline", {},
        [r"December 14, 14:30"]),

    # ---- refunds: none -------------------------------------------------------------------------------------------
    row("can I get a refnud?", "refund", {}, [r"non-refundable"]),
    row("I didn't use my plan, can I have my money back?", "refund", {}, [r"non-refundable"]),
    row("can I get a refund for the days I didn't use?", "refund", {}, [r"non-refundable"], [NO_DOLLAR]),

    # ---- fee deduction order and the unstated card minimum ---------------------------------------------------------
    row("How are fees deducted, credits first or card?", "fee_order", {},
        [r"credits balance.*cash balance.*(card|PayPal)", r"FAQ gives no figure", r"at least \$0\.50"]),
    row("what order are subscription fees charged in", "fee_order", {}, [r"1\) your credits balance is used first", r"2\) if insufficient, your cash"]),
    # a charge a little above the listed price: the terms' "fees and any taxes", no rate made up
    row("The plan is $30 but my card statement says $32.70, why?", "above_price", {}, [r"any taxes", r"don't state a tax rate"]),
    # a balance that has not moved after API use: the help center's billing delay (n-1), no figure made up
    row("I used the API all day with about 2M tokens but my balance still shows $50.00", "billing_delay", {},
        [r"processing delay", r"n-1"]),
    # where the account balance is recharged (the pay-as-you-go API's money), not more plan quota
    row("my balance is $0 and the general API says 1113, where do I top up?", "recharge", {},
        [r"recharge from the billing page", r"manage-apikey/billing"]),
    row("how do I buy more prompts when my quota runs out?", "quota_topup"),
    # whether failed requests use the quota: the docs don't say; the quota's size is not the answer
    row("do failed requests count against my prompt quota?", "failed_requests", {}, [r"docs don't say", r"15.20 model calls"]),
    row("do credits get used before my paypal when renewing?", "fee_order", {},
        [r"credits balance.*cash balance.*(card|PayPal)"]),
    # the FAQ gives no figure for the card minimum; the campaign rules' $0.50 after credits is quoted as theirs
    row("what is the minimum card charge", "card_minimum", {}, [r"FAQ itself gives no figure", r"at least \$0\.50"]),
    row("is there a minimum charge on my credit card?", "card_minimum", {}, [r"gives no figure", r"Stripe"]),

    # ---- referral: percentages, worked payments, tiers --------------------------------------------------------
    row("what discount does my friend get with my referral link?", "referral_friend_discount", {},
        [r"\b10% instant discount"], [r"\b30%"]),
    row("how much do I earn when I invite someone?", "referral_reward", {}, [r"\b30%", r"example"]),
    row("is the referral reward 10% or 30%?", "referral_reward", {}, [r"^30%", r"FAQ.*example"]),
    row("The FAQ says I get 10% of my friend's payment, is it 10% or 30%?", "referral_reward", {},
        [r"\b30%", r"example"]),
    row("my friend's plan costs 100 USD, they get 50% off then 10% off and use 5 USD credits. How much do I get?",
        "referral_reward", {"money": [100.0, 5.0], "percent": [50.0, 10.0]}, [usd("12"), usd("40")]),
    row("the plan is 30 USD, my friend gets 50% off and my 10% referral discount, how many credits do I earn?",
        "referral_reward", {"money": [30.0]}, [usd("4.05"), usd("13.50")]),
    row("friend paid $40 for their first order, what's my referral reward?", "referral_reward", {"money": [40.0]},
        [usd("12")], [usd("4")]),
    row("if my invited friend pays 60 dollars how many credits do I get", "referral_reward", {"money": [60.0]},
        [usd("18")]),
    row("what is the extra reward for every 30 invites?", "referral_tier", {}, [r"\b10%", r"every 30"]),
    row("I've invited 60 friends, how many bonus rounds do I get?", "referral_tier", {"count": 60},
        [r"^2 extra reward round"]),
    row("I invited 90 friends, how many extra rewards?", "referral_tier", {"count": 90}, [r"^3 extra reward round"]),
    row("is there a cap on how many friends I can invite?", "referral_cap", {}, [r"no upper limit"]),
    # the 72-hour window and qualification
    row("my friend paid 80 hours after my invite, does it count?", "referral_qualifies", {"hours": [80.0]},
        [r"^No\b", r"72-hour window"]),
    row("friend paid within 48 hours of the invitation, will that qualify?", "referral_qualifies", {"hours": [48.0]},
        [r"^Yes, on timing"]),
    row("my friend paid four days after my invitation, does the invite count?", "referral_qualifies",
        {"hours": [96.0]}, [r"^No\b", r"96 hours"]),
    row("my friend signed up with my code 20 hours ago and just paid, will I get credits?", "referral_qualifies",
        {"hours": [20.0]}, [r"^Yes, on timing"]),
    row("my friend paid but then refunded the order, does the referral still count?", "referral_qualifies", {},
        [r"^No\b", r"refunded"]),
    row("my friend already paid for a subscription before, does my invite count?", "referral_qualifies", {},
        [r"^No\b", r"new users"]),
    row("how long does my friend have to pay after clicking my invite link?", "referral_window", {},
        [r"within 72 hours"], [r"24[–-]48"]),
    row("How many days do I have to pay after clicking a friend's invite link?", "referral_window", {},
        [r"within 72 hours"]),
    # issuing, withdrawal, minimum payment
    row("when will I receive my referral credits?", "referral_issuing", {}, [r"24[–-]48 hours", r"72 hours"]),
    row("3 days since my friend paid, still no referral credits. what now?", "referral_issuing", {},
        [r"24[–-]48 hours", r"contact support"], [r"on timing"]),
    row("can I withdraw my referral credits?", "referral_withdraw", {}, [r"cannot be withdrawn"]),
    row("can I cash out invite credits to my bank", "referral_withdraw", {}, [r"cannot be withdrawn"]),
    row("what's the minimum payment after referral discount and credits?", "referral_minimum", {},
        [r"0\.50 USD"]),
    row("what's the minimum amount my invited friend must pay?", "referral_minimum", {}, [r"0\.50 USD"]),

    # ---- API list prices and token costs (USD per 1M tokens) ---------------------------------------------------
    row("PayPal charged me twice for my Pro renewal. Your terms say you're not responsible for payment processor errors?",
        "terms_liability", {}, [r"third-party payment processors"]),
    row("昨天 coding 接口挂了 6 个小时，停机有没有补偿或者顺延？条款里怎么说的", "terms_liability", {},
        [r"shall not be liable", r"没有写明停机的补偿"], zh=True),
    row("The endpoint was down for an hour yesterday. How do I check the plan's remaining quota?", "usage_check", {}),  # (no terms asked)
    row("what's the per-image price of GLM-Image vs CogView-4?", "image_price", {},
        [r"GLM-Image \$0\.015", r"CogView-4 \$0\.01\b"]),
    row("CogView-4 生成 500 张图片多少钱？单张多少？", "image_price", {}, [r"每张 \$0\.01", r"\$5(\.00)?(?![\d.])"], zh=True),
    row("What's the Lite plan's price? I also call CogView-4 on the general API.", "plan_price", {}),  # a model told
    row("what's the minimum Node version for Claude Code and the vision MCP server?", "node_version", {},
        [r"Claude Code needs Node\.js 18 or newer", r"Vision MCP server \(@z_ai/mcp-server\) needs Node\.js 22 or newer"]),
    row("要找运维升级 Node：Claude Code 和视觉 MCP 分别最低要求 Node 多少版本？Pro 包季", "node_version", {},
        [r"Claude Code 需要 Node\.js 18 或更高版本", r"视觉理解 MCP（@z_ai/mcp-server）需要 Node\.js 22"], [r"升级立即生效|套餐"], zh=True),
    row("how do I upgrade claude code to the latest version? I'm on Pro", None, {}),  # software, not the plan
    row("Does each tool get its own ~80 prompts per 5h window, or is it all one pot? Claude Code, Cline and Crush, Lite plan",
        "shared_quota", {}, [r"One pool"]),
    row("what does it cost for 2M input tokens and 500k output tokens on GLM-4.7?", "api_cost",
        {"api_model": "glm-4.7", "tokens": {"input": 2_000_000.0, "output": 500_000.0}}, [r"^" + usd("2.30")]),
    row("1M output tokens on glm-4.5-air, how much?", "api_cost",
        {"api_model": "glm-4.5-air", "tokens": {"output": 1_000_000.0}}, [r"^" + usd("1.10")]),
    row("how much is 1 million input tokens with glm-4.7-flash", "api_cost", {"api_model": "glm-4.7-flash"},
        [r"^" + usd("0")]),
    row("how much do 5 million output tokens cost on GLM-4.5-Flash", "api_cost", {"api_model": "glm-4.5-flash"},
        [r"^" + usd("0")]),
    row("cost of 300k input tokens and 100k output tokens on glm 4.5", "api_cost",
        {"api_model": "glm-4.5", "tokens": {"input": 300_000.0, "output": 100_000.0}}, [r"^" + usd("0.40")]),
    row("glm-4.7-flashx 1M input tokens + 1M output tokens price", "api_cost", {"api_model": "glm-4.7-flashx"},
        [r"^" + usd("0.47")]),
    row("price of glm-4.6 per million tokens", "api_cost", {"api_model": "glm-4.6"},
        [usd("0.60") + r" per 1M input", usd("0.11") + r" per 1M cached", usd("2.20") + r" per 1M output"]),
    row("GLM-4.6V: 1M input and 1M output tokens, total cost?", "api_cost",
        {"api_model": "glm-4.6v", "tokens": {"input": 1_000_000.0, "output": 1_000_000.0}}, [r"^" + usd("1.20")]),
    row("GLM-4.5-X api price per 1M tokens", "api_cost", {"api_model": "glm-4.5-x"},
        [usd("2.20"), usd("0.45"), usd("8.90")], [r"1,000,000 input tokens"]),
    row("1M cached input tokens on GLM-4.7 cost?", "api_cost", {"api_model": "glm-4.7"}, [r"^" + usd("0.11")]),
    row("how much do 1M tokens cost on GLM-5?", "api_cost", {"glm5": True}, [r"does not list GLM-5"], [NO_DOLLAR]),
    row("what's the API price of GLM-5?", "api_cost", {"glm5": True}, [r"does not list GLM-5"], [NO_DOLLAR]),
    row("how much for 10 million tokens?", "api_cost", {"tokens": {"input": 10_000_000.0}}, [r"Which model"],
        clarify=True),

    # ---- endpoints per tool, supported tools ------------------------------------------------------------------
    row("What endpoint does Claude Code use?", "endpoint", {}, [r"https://api\.z\.ai/api/anthropic"],
        [r"coding/paas"]),
    row("base url for goose", "endpoint", {}, [r"https://api\.z\.ai/api/anthropic"], [r"coding/paas"]),
    row("which endpoint should I use in Cline?", "endpoint", {}, [r"https://api\.z\.ai/api/coding/paas/v4"],
        [r"api/anthropic"]),
    row("kilo code base url", "endpoint", {}, [r"https://api\.z\.ai/api/coding/paas/v4"], [r"api/anthropic"]),
    row("Roo Code api url", "endpoint", {}, [r"https://api\.z\.ai/api/coding/paas/v4"], [r"api/anthropic"]),
    row("OpenCode endpoint", "endpoint", {}, [r"https://api\.z\.ai/api/coding/paas/v4"], [r"api/anthropic"]),
    row("crush base url", "endpoint", {}, [r"https://api\.z\.ai/api/coding/paas/v4"], [r"api/anthropic"]),
    row("cursor endpoint for the coding plan", "endpoint", {}, [r"https://api\.z\.ai/api/coding/paas/v4"],
        [r"api/anthropic"]),
    row("which tools are supported?", "supported_tools", {},
        [r"Claude Code", r"Cline", r"Kilo Code", r"Roo Code", r"Crush", r"Goose", r"Cursor", r"share"]),
    row("Which tools can I use the coding plan with?", "supported_tools", {}, [r"Claude Code", r"Gemini CLI"]),
    row("what coding tools does the plan support", "supported_tools", {}, [r"Claude Code", r"Cline"]),
    row("does the plan work with Gemini CLI?", "supported_tools", {}, [r"Gemini CLI"]),
    row("does the coding plan work in Factory Droid?", "supported_tools", {}, [r"Factory Droid"]),

    # ---- multi-turn follow-ups: intent and slots carried over ----------------------------------------------------
    row("and on day 20?", "upgrade_cost", {"plans": ["lite", "pro"], "days_used": 19}, [usd("27.80")],
        history=[user("What does upgrading from Lite to Pro cost on day 5 of my cycle?"), bot("$24.80: ...")]),
    row("what about 10 days ago?", "upgrade_cost", {"plans": ["lite", "pro"], "days_used": 10}, [usd("26")],
        history=[user("What does upgrading from Lite to Pro cost on day 5 of my cycle?")]),
    row("and if I'd waited until day 25?", "upgrade_cost", {"plans": ["lite", "pro"], "days_used": 24},
        [usd("28.80")], history=[user("I bought Lite ten days ago, how much to upgarde to Pro?")]),
    row("and Max?", "mcp_quota", {"plans": ["max"]}, [r"\b4,000 web searches"], [r"\b100 web"],
        history=[user("How many web searches per month on Lite?"), bot("Lite: 100 web searches ...")]),
    row("what about max", "plan_quota", {"plans": ["max"]}, [r"~?1,?600 prompts"],
        history=[user("how many prompts on pro?")]),
    row("and pro?", "plan_quota", {"plans": ["pro"]}, [r"~?400 prompts"],
        history=[user("How many prompts do I get on Lite every 5 hours?")]),
    row("and pro?", "plan_price", {"plans": ["pro"]}, [usd("30")],
        history=[user("how much is the Lite plan per month?")]),
    row("and lite?", "model_calls", {"plans": ["lite"]}, [r"1,200\s*[–-]\s*1,600"],
        history=[user("How many model calls per 5 hours on the Pro plan?")]),
    row("and on max?", "plan_quota", {"plans": ["max"], "glm5": True}, [r"\b533\b"],
        history=[user("How many GLM-5 prompts can I send on Pro every five hours?")]),
    row("and annual?", "plan_price", {"plans": ["max"], "cycles": ["annual"]}, [r"do(es)? not state"], [NO_DOLLAR],
        history=[user("How much does the Max plan cost?")]),
    row("and on glm-4.5-air?", "api_cost", {"api_model": "glm-4.5-air"}, [r"^" + usd("1.10")],
        history=[user("API price for 1M output tokens on GLM-4.7?")]),
    row("lite to pro", "upgrade_cost", {"plans": ["lite", "pro"]}, [r"How many days"], clarify=True,
        history=[user("What does upgrading cost?"), bot("Which plan are you upgrading from and to?")]),
    row("from lite to pro, day 11", "upgrade_cost", {"plans": ["lite", "pro"], "days_used": 10}, [usd("26")],
        history=[user("What does upgrading cost?"), bot("Which plan are you upgrading from and to?")]),

    # ---- Chinese: understood, and answered in Chinese ------------------------------------------------------------
    row("Max 套餐每个月可以联网搜索多少次？", "mcp_quota", {"plans": ["max"]}, [r"4,?000"], zh=True),
    row("Pro 包月标价 $30，信用卡账单上扣款却是 $32.70，为什么？", "above_price", {}, [r"税费", r"没有写明税率"], zh=True),
    row("昨天用脚本调 API 跑了两百万 token，今天看余额一分没少，是不是之后会一次性扣？", "billing_delay", {}, [r"处理延迟", r"n-1"], zh=True),
    row("账户余额不足报 1113，在哪里充值？", "recharge", {}, [r"账单页面充值", r"manage-apikey/billing"], zh=True),
    row("超时失败的请求算不算进 5 小时的额度里？", "failed_requests", {}, [r"文档没有说明", r"订阅页面"], zh=True),
    row("Pro 套餐每个月有多少次网页读取？", "mcp_quota", {"plans": ["pro"]}, [r"1,?000"], zh=True),
    row("Lite 套餐每5小时有多少次提示？", "plan_quota", {"plans": ["lite"]}, [r"\b80\b"], [r"\b120\b"], zh=True),
    row("专业版每五小时能用多少次？", "plan_quota", {"plans": ["pro"]}, [r"\b400\b"], zh=True),
    row("可以退款吗？", "refund", {}, [r"不可以|不可退款"], zh=True),
    row("Pro 套餐多少钱？", "plan_price", {"plans": ["pro"]}, [usd("30")], zh=True),
    row("Max 套餐多少钱？", "plan_price", {"plans": ["max"]}, [r"没有写明"], [NO_DOLLAR], zh=True),
    row("有每周额度限制吗？", "weekly_quota", {}, [r"7 天"], zh=True),
    row("怎么取消订阅？", "cancel_deadline", {}, [r"24 小时"], zh=True),
    row("邀请好友能得到多少奖励？", "referral_reward", {}, [r"30%"], zh=True),
    row("推荐奖励可以提现吗？", "referral_withdraw", {}, [r"提现|不能|不可"], zh=True),
    # every intent answers a Chinese question in Chinese, with the figures its English rows check
    row("Pro 套餐每5小时有多少次模型调用？", "model_calls", {"plans": ["pro"]}, [r"6,000\s*[–-]\s*8,000", r"15\s*[–-]\s*20"],
        zh=True),
    row("每次提示可以调用多少次模型？", "model_calls", {}, [r"15\s*[–-]\s*20 次模型调用"], zh=True),
    row("Pro 套餐每5小时能用多少次 GLM-5？", "plan_quota", {"plans": ["pro"], "glm5": True}, [r"\b133\b", r"3 倍"],
        [r"最多约 400"], zh=True),
    row("Pro 套餐的额度是 Lite 的几倍？", "plan_ratio", {"plans": ["pro", "lite"]}, [r"约 5 倍", r"\b400\b", r"\b80\b"],
        zh=True),
    row("Lite vs Claude Pro，额度差几倍？", "plan_ratio", {}, [r"3 倍", r"Claude Pro"], zh=True),
    row("API 的速率限制是多少？", "rate_limits", {}, [r"manage-apikey/rate-limits", r"没有写明"], [r"\d+ ?(次|个)?/(分钟|秒)"],
        zh=True),
    row("额度用完了会扣账户余额吗？", "quota_exhausted", {}, [r"不会扣除账户余额"], zh=True),
    row("Max 套餐怎么切换到 GLM-5？", "glm5_switch", {"plans": ["max"]}, [r"GLM-5", r"3 倍"], zh=True),
    row("Lite 套餐怎么切换到 GLM-5？", "glm5_switch", {"plans": ["lite"]}, [r"暂不包含 GLM-5"], zh=True),
    row("GLM-5 和 GLM-4.7 选哪个？", "glm_choice", {}, [r"日常开发", r"3 倍"], zh=True),
    row("Lite 套餐可以用 GLM-5 吗？", "models", {"plans": ["lite"], "glm5": True}, [r"Lite 套餐暂不包含 GLM-5"], zh=True),
    row("联网搜索次数用完了可以额外购买吗？", "mcp_access", {}, [r"资源包"], zh=True),
    row("订阅会自动续费吗？", "renewal", {}, [r"自动续费", r"24 小时"], zh=True),
    row("我用 Lite 10 天了，升级到 Pro 要多少钱？", "upgrade_cost", {"plans": ["lite", "pro"], "days_used": 10},
        [usd("26"), r"30 天"], zh=True),
    row("从 Lite 升级到 Pro，现在是第5天，要付多少钱？", "upgrade_cost", {"plans": ["lite", "pro"], "days_used": 4},
        [usd("24.80"), r"第 5 天"], zh=True),
    row("从 Lite 升级到 Max 第3天要多少钱？", "upgrade_cost", {"plans": ["lite", "max"]}, [r"没有写明 Max"], [NO_DOLLAR],
        zh=True),
    row("升级要多少钱？", "upgrade_cost", {}, [r"哪个套餐"], clarify=True, zh=True),
    row("Lite 升级到 Pro 要多少钱？", "upgrade_cost", {"plans": ["lite", "pro"]}, [r"多少天", usd("24")], clarify=True,
        zh=True),
    row("从 Lite 月付升级到 Lite 年付，一共有多少个月？", "same_tier_upgrade", {"cycles": ["monthly", "annual"]},
        [r"13 个月"], zh=True),
    row("可以从 Lite 升级到 Pro 吗？", "upgrade_rules", {"plans": ["lite", "pro"]}, [r"立即生效", r"按比例"], zh=True),
    row("怎么从 Max 降级到 Pro？", "downgrade", {"plans": ["max", "pro"]}, [r"当前计费周期结束后生效"], [NO_DOLLAR],
        zh=True),
    row("降级什么时候生效？", "downgrade", {}, [r"当前计费周期结束后生效"], zh=True),
    row("续费时先扣积分还是先扣信用卡？", "fee_order", {}, [r"积分（credits）余额.*现金余额.*(银行卡|PayPal)", r"FAQ 没有写出金额"], zh=True),
    row("信用卡扣款有最低金额吗？", "card_minimum", {}, [r"FAQ 本身没有写出", r"至少为 \$0\.50"], zh=True),
    row("团队可以多人共享一个套餐吗？", "personal_plan", {}, [r"个人", r"不能与团队共享"], zh=True),
    row("新用户首次购买有优惠吗？", "first_purchase_deal", {}, [r"50%", r"z\.ai/subscribe"], zh=True),
    row("邀请记录有问题，多久内可以申诉？", "referral_objection", {}, [r"15 天内"], zh=True),
    row("好友通过我的邀请链接80小时后才付款，还算有效邀请吗？", "referral_qualifies", {"hours": [80.0]},
        [r"^不符合条件", r"72 小时"], zh=True),
    row("好友通过我的邀请链接20小时后付款，邀请算有效吗？", "referral_qualifies", {"hours": [20.0]},
        [r"^就时间而言符合"], zh=True),
    row("好友付款后又退款了，邀请还算吗？", "referral_qualifies", {}, [r"^不符合条件", r"24 小时内退款"], zh=True),
    row("好友之前已经订阅过，我的邀请还算有效吗？", "referral_qualifies", {}, [r"^不符合条件", r"新用户"], zh=True),
    row("邀请奖励多久到账？", "referral_issuing", {}, [r"24[–-]48 小时", r"72 小时"], zh=True),
    row("邀请好友的数量有上限吗？", "referral_cap", {}, [r"没有上限", r"30 位", r"10%"], zh=True),
    row("好友点了我的邀请链接后要在多久内付款？", "referral_window", {}, [r"72 小时内"], [r"24[–-]48"], zh=True),
    row("使用邀请折扣和积分后最低要支付多少？", "referral_minimum", {}, [r"0\.50 美元"], zh=True),
    row("我邀请了60个好友，有额外奖励吗？", "referral_tier", {"count": 60}, [r"2 轮额外奖励", r"10%"], zh=True),
    row("被邀请的好友有什么折扣？", "referral_friend_discount", {}, [r"10%"], [r"30%"], zh=True),
    row("好友实际支付了 50 美元，我能拿多少邀请奖励？", "referral_reward", {"money": [50.0]}, [usd("15")], zh=True),
    row("GLM-4.7 的 API 价格是多少？", "api_cost", {"api_model": "glm-4.7"}, [usd("0.60"), usd("0.11"), usd("2.20")],
        zh=True),
    row("GLM-4.7 上 2M input tokens 和 500k output tokens 要多少钱？", "api_cost",
        {"api_model": "glm-4.7", "tokens": {"input": 2_000_000.0, "output": 500_000.0}}, [r"^" + usd("2.30")], zh=True),
    row("GLM-5 的 API 价格是多少？", "api_cost", {"glm5": True}, [r"没有列出 GLM-5"], [NO_DOLLAR], zh=True),
    row("联网搜索工具在 API 上怎么收费？", "api_tool_price", {}, [usd("0.01")], zh=True),
    row("Claude Code 要用哪个 API 地址？", "endpoint", {}, [r"https://api\.z\.ai/api/anthropic"], [r"coding/paas"], zh=True),
    row("Cline 的 base url 填什么？", "endpoint", {}, [r"https://api\.z\.ai/api/coding/paas/v4"], [r"api/anthropic"],
        zh=True),
    row("编程套餐支持哪些编程工具？", "supported_tools", {}, [r"Claude Code", r"Cline", r"Gemini CLI", r"共享"], zh=True),
    row("Claude Code 默认的模型映射是什么？", "claude_mapping", {},
        [r"OPUS_MODEL → GLM-4\.7", r"SONNET_MODEL → GLM-4\.7", r"HAIKU_MODEL → GLM-4\.5-Air"], [r"OPUS_MODEL → GLM-5"],
        zh=True),
    row("多个工具是共享一个额度吗？", "shared_quota", {}, [r"共用一个额度"], zh=True),
    row("Claude Code 和 Cline 是各自有额度还是共用？", "shared_quota", {}, [r"共用一个额度"], zh=True),
    row("怎么一键配置所有编程工具？", "coding_helper", {}, [r"npx @z_ai/coding-helper"], zh=True),
    row("那第20天呢？", "upgrade_cost", {"plans": ["lite", "pro"], "days_used": 19}, [usd("27.80"), r"第 20 天"],
        history=[user("从 Lite 升级到 Pro，现在是第5天，要付多少钱？")], zh=True),
    row("那 Max 呢？", "model_calls", {"plans": ["max"]}, [r"24,000\s*[–-]\s*32,000"],
        history=[user("Pro 套餐每5小时有多少次模型调用？")], zh=True),
    row("怎么安装 Claude Code？需要什么版本的 Node？", "claude_install", {},
        [r"npm install -g @anthropic-ai/claude-code", r"Node\.js 18"], zh=True),

    # ---- near-misses: not rule questions; must fall through to retrieval untouched -----------------------------
    row("How do I upgrade Claude Code to the latest version?", None),
    # ("What does error 1113 mean?" left this table: error codes are the troubleshooting route's, see
    # tests/test_troubleshoot.py.)
    row("max output tokens for glm-4.7", None),
    # the context window is a rule's now (context_window, from the models overview): its figure, never another rule's
    row("what is the context window of GLM-4.6", "context_window", {}, [r"GLM-4\.6 200K"], [r"GLM-4\.7"]),
    row("What is the max context length of GLM-4.5?", "context_window", {}, [r"GLM-4\.5 128K"], [r"GLM-4\.5-Air"]),
    row("what is the max temperature value", None),
    row("how much does Claude Pro cost", None),
    row("Cursor Pro price", None),
    row("how much does ChatGPT Plus cost", None),
    row("what is the price of an iPhone", None),
    row("what's the weather", None),
    row("how do I install the coding helper", None),
    # ("how do I configure web search MCP in Cline" and "How do I use Zread MCP?" left this table: MCP setup is the
    # troubleshooting route's, tests/test_troubleshoot.py.)
    row("how do I set max_tokens in the API", None),
    row("how do I enable thinking mode", None),
    row("how do I stream responses with the openai python sdk", None),
    row("how do I upgrade my python openai package", None),
    row("How do I invite teammates to my GitHub org?", None),
    row("how do I invite a teammate to my organization", None),
    row("How do I get an API key?", "api_key_where", {}, [r"manage-apikey/apikey-list"]),  # the Quick Start's page
    row("what's the rate limit for the API", "rate_limits", {}, [r"manage-apikey/rate-limits", r"do not state"]),
    row("how much is glm-4.7 on openrouter", None),
    row("what's the weather like?", None,
        history=[user("How many web searches per month on Lite?"), bot("Lite: 100 web searches ...")]),
    row("how do I cancel a streaming request", None),
    row("how do I cancel a running task in Claude Code", None),
    row("how do I cancel my openai subscription", None),
    row("how do I refund a Stripe payment in my own app", None),

    # ---- subscription questions in subscribers' words: a future price, a rollover, the old plan, stopping renewal --
    row("Is the GLM Coding Plan price going up next month?", "price_change", {},
        [r"notified in advance", r"no future price change"], [r"^Yes", NO_DOLLAR]),
    row("套餐会涨价吗？", "price_change", {}, [r"提前通知"], zh=True),
    row("will my renewal cost more after the GLM-5 launch?", "price_change", {}, [r"notified in advance"]),
    row("how do I increase the concurrency limit for my API key", "rate_limits", {}, [r"do not state"]),
    row("do unused prompts roll over to the next 5-hour window?", "quota_rollover", {},
        [r"don't say that unused quota carries over", r"every 5 hours"], [r"\b80\b"]),
    row("没用完的额度会累积到下个周期吗？", "quota_rollover", {}, [r"没有提到"], zh=True),
    row("I'm on the old plan, will I be moved to the new weekly limits when I renew?", "grandfathering", {},
        [r"renewal price and quota stay unchanged"], [r"^Yes"]),
    row("我是老用户，续费后会按新的周额度限制吗？", "grandfathering", {}, [r"续费价格和额度保持不变"], zh=True),
    row("How do I turn off auto-renew?", "cancel_deadline", {}, [r"subscription management page", r"24 hours"], [r"^Yes"]),
    row("怎么关闭自动续费？", "cancel_deadline", {}, [r"订阅管理页面"], zh=True),
    row("我买了季度的pro，现在想换成年付，怎么操作？", "cycle_change", {}, [r"计费周期结束后生效"], [r"价格"], zh=True),
    row("how is a prompt counted? is every tool call a prompt?", "model_calls", {}, [r"15–20 model calls"]),
    row("Is there a daily limit on the coding plan or just the 5 hour one?", "weekly_quota", {},
        [r"^The docs mention no daily limit", r"weekly quota", r"every 7 days"], [r"^Yes"]),
    row("are there any other limits apart from the 5-hour one?", "weekly_quota", {}, [r"weekly quota"]),
    row("Does the quota reset at a fixed time like midnight or 5 hours from my first prompt?", "quota_reset", {},
        [r"don't say when a cycle starts", r"1308"], [r"\b80\b"]),
    row("额度什么时候重置？是固定时间吗", "quota_reset", {}, [r"没有说明", r"1308"], zh=True),
    row("How much quota does the vision MCP use per image?", "mcp_quota", {},
        [r"^Vision understanding has no separate count"]),
    row("what's the rate limit per day for the API", "rate_limits", {}, [r"do not state"]),
    row("send me your invite link so I could get it cheaper and you also benefit", "referral_both_sides", {},
        [r"10% off", r"30% of the friend's first-order actual payment"]),
    row("how does the referral program work?", "referral_both_sides", {}, [r"10% off", r"30%"]),
    row("邀请规则是怎么算的？", "referral_both_sides", {}, [r"10%", r"30%"], zh=True),
    row("Can I pay with Alipay on the international site?", "billing_pages", {},
        [r"manage-apikey/billing", r"bank card or PayPal", r"no other way to pay, such as Alipay"]),
    row("what payment methods do you accept?", "billing_pages", {}, [r"bank card or PayPal"], [r"no other way"]),
    row("can I get an invoice with my company VAT number?", "billing_pages", {},
        [r"Billing History", r"don.t mention issuing invoices"]),
    row("能开发票吗？", "billing_pages", {}, [r"没有提到开具发票"], zh=True),
    row("Where can I see my billing history?", "billing_pages", {}, [r"Billing History: https://z\.ai/manage-apikey/billing"]),
    row("在哪里看账单？", "billing_pages", {}, [r"Billing History"], zh=True),
    row("可以用支付宝付款吗", "billing_pages", {}, [r"银行卡或 PayPal", r"没有提到支付宝等其他支付方式"], zh=True),
    row("Is GLM-5 better than Claude Sonnet 4.5?", None),
    row("Is there a limit on the context length for GLM-4.7 on the coding plan?", "context_window", {}, [r"GLM-4\.7 200K"]),
    row("What context window size should I set in Cline?", "context_window", {}, [r"^The Cline page says .* 204800"]),
    row("glm-4.5-air 上下文多大", "context_window", {}, [r"GLM-4\.5-Air 128K"], [r"GLM-4\.7"], zh=True),
    row("Can I transfer my subscription to another account?", "personal_plan", {}, [r"^No: .*transferring"]),
    row("套餐可以转让给别人吗", "personal_plan", {}, [r"不能转让"], zh=True),
    row("what happens to my plan if i change my email?", None),
    row("which model is faster, glm-4.5-air or glm-4.7?", None),
    row("Does my friend get a discount if they use my link?", "referral_friend_discount", {}, [r"10% instant discount"]),
    row("是否可以邀请自己的小号获得返利", "referral_self", {}, [r"单一账号原则", r"收回"], zh=True),
    row("Can I invite my own second account to get the credits?", "referral_self", {}, [r"^No: .*one platform account"]),
    row("is the price in USD or can I pay in RMB?", "currency", {}, [r"in USD", r"don't mention paying in another"]),
    row("可以用人民币支付吗", "currency", {}, [r"美元", r"没有提到用人民币"], zh=True),
    # subscription questions as subscribers write them
    row("What's the difference between Lite, Pro and Max besides the number of prompts?", "plan_compare", {},
        [r"~80", r"~400", r"~1600", r"GLM-5 on Max and Pro", r"100 / 1,000 / 4,000", r"don't state Max's"]),
    row("Lite和Pro有什么区别", "plan_compare", {}, [r"80（Lite）", r"没有写明 Max 的价格"], zh=True),
    row("What happens when my subscription expires? Do I lose access immediately?", "plan_expiry", {},
        [r"error 1309", r"no grace period"]),
    row("套餐过期了还能用吗", "plan_expiry", {}, [r"1309", r"宽限期"], zh=True),
    row("How do I change the credit card for my subscription?", "billing_pages", {}, [r"Payment Method"]),
    row("Can I pause my subscription for a month?", "cancel_deadline", {}, [r"don't mention pausing", r"24 hours"]),
    row("可以暂停订阅一个月吗", "cancel_deadline", {}, [r"没有提到暂停"], zh=True),
    row("Is GLM-4.6 still available on the coding plan or only 4.7?", "model_included", {},
        [r"GLM-4\.6 is among", r"only these four"]),
    row("Can I use GLM-4.5-Flash with my plan key?", "model_included", {}, [r"GLM-4\.5-Flash is not among them"],
        [r"^Yes"]),
    row("lite 套餐能用 glm-4.5-air 吗", "model_included", {}, [r"可以：GLM-4\.5-Air"], zh=True),
    # near-misses the session's review found for the new intents: another question asked, no rule's (or another rule's)
    row("Where can I see when my plan expires?", None),
    row("Do unused prompts carry over when my plan ends?", "quota_rollover", {}, [r"carries over"]),
    row("How much is the Pro plan in USD?", "plan_price", {}, [r"\$30"]),
    row("My friend registered with another email, will I still get the referral credit?", "referral_reward", {},
        [r"30%"], [r"Single Account"]),
    row("My friend and I want to buy two Pro plans, is there a discount?", None),
    row("Can Claude Code read my files?", None),
    row("我的代码怎么上传到GitHub？", None),
    row("Is there any way to clear the context window?", None),
    row("Claude Code和Cursor用套餐有什么不同？", None),
    # (a per-token price asked is the API's per-1M price; "per-token" once missed it only through its spelling)
    row("How much does GLM-4.6V cost per token if I use the API?", "api_cost", {"api_model": "glm-4.6v"},
        [usd("0.3") + r" per 1M input", usd("0.9") + r" per 1M output"]),
    row("Are there plans that support GLM-5?", "models", {}, [r"GLM-5 is available on Max and Pro"]),
    row("用了一周就到上限了，正常吗？", None),
    row("Can I buy two Lite plans on the same account to double my quota?", "plan_stacking", {},
        [r"don't say whether one account can hold several"], [r"~80"]),
    row("同一个账号可以买两个套餐叠加额度吗", "plan_stacking", {}, [r"没有说明"], zh=True),
    row("Is the 50% first purchase discount still available?", "first_purchase_deal", {},
        [r"can't say whether it is still on"], [r"^Yes"]),
    row("My subscription renewed at a higher price than before, why?", "price_change", {}, [r"notified in advance"]),
    row("what does npx @z_ai/coding-helper do?", "coding_helper", {}, [r"detects, installs and configures"]),
    row("Do I need Node.js for Claude Code? which version?", "claude_install", {}, [r"Node\.js 18"]),
    row("what MCP servers come with the coding plan?", "mcp_list", {}, [r"Vision Understanding MCP Server", r"Zread"]),
    row("coding plan 有哪些 mcp 服务", "mcp_list", {}, [r"网络搜索"], zh=True),
    row("Are the web search and vision MCP tools available on Lite, or only on the bigger plans?", "mcp_list", {},
        [r"All plans include", r"Lite 100"]),
    row("About how many tokens a month does a subscription work out to?", "token_allowance", {},
        [r"tens of billions of tokens", r"~80"]),
    row("lite 套餐每个月有多少 tokens", "token_allowance", {}, [r"数百亿"], zh=True),
    row("hi team, i have the pro plan and want to use it with both claude code at work and opencode at home at the same "
        "time. is that allowed or will my account get banned?", "shared_quota", {}, [r"share the same quota"],
        [r"team or per-seat"]),
    row("I'm deciding between Lite and Pro. I code ~4 hours a day with Claude Code. Will Lite be enough?", "plan_compare",
        {}, [r"can't tell how much you will use", r"~80"]),
    row("Does the coding plan include Claude models?", "model_included", {}, [r"^No: .*four GLM models"]),
    row("lite 套餐一天能用多少次", "weekly_quota", {}, [r"没有提到每日限额", r"每 7 天"], zh=True),
    row("为什么我的 claude code 显示的还是 claude 的模型名", "claude_mapping", {}, [r"ANTHROPIC_DEFAULT_SONNET_MODEL"], zh=True),
    row("智谱的 glm-4.7 支持多模态吗", "vision_model", {}, [r"Vision MCP"], zh=True),
    # near-misses the second review found
    row("Is there a higher price for the annual plan compared to monthly?", "plan_price", {}, [], [r"notified in advance"]),
    row("为什么 MCP 调用失败？", None),
    row("How many tokens can I send in one request with the Lite plan?", "plan_quota", {}, [], [r"tens of billions"]),
    row("Does the Pro plan offer faster models than Sonnet?", None),
    row("I'm choosing between Cursor and Claude Code with the Pro plan, which is better?", None),
    row("What's the coding-helper error \"ENOENT\" when I run it, what should I do?", None),
    row("I have a Pro plan on my account. Can I get another Pro plan for my colleague on a different account?",
        "personal_plan", {}, [r"licensed only to the individual"]),
    row("Thanks team! Can my teammates use my subscription?", "personal_plan", {}, [r"shall not share"]),
    row("I bought a second Pro plan on my account, will the quota add up?", "plan_stacking", {}, [r"don't say whether"]),
    row("I have the Max plan. Why do I only see GLM-4.7 and not GLM-5 in Claude Code?", "glm5_switch", {},
        [r"by hand", r"settings\.json"]),
    row("Can I have multiple API keys?", "api_key_where", {}, [r"don't say how many keys"]),
    row("my api key was leaked, how do I rotate it?", "api_key_where", {}, [r"API Keys"]),
    # the typo fixer keeps words the docs use and negations ("multiple" had become "multiplier", "unsupported"
    # "supported")
    # quota questions as subscribers write them
    row("what exactly counts as one prompt?", "model_calls", {}, [r"15–20 model calls"]),
    row("Do subagent calls count toward my prompt quota?", "model_calls", {}, [r"15–20 model calls"]),
    row("Is the 5-hour window rolling or fixed?", "quota_reset", {}, [r"don't say when a cycle starts"]),
    row("coding plan 的 5 小时额度是从第一次请求开始算吗？", "quota_reset", {}, [r"没有说明"], zh=True),
    row("If I hit the 5-hour limit, can I keep working by paying per token?", "quota_exhausted", {},
        [r"will not deduct from your account balance", r"billed separately"]),
    row("Lite 的周额度是多少次？", "weekly_quota", {}, [r"没有给出每周额度的具体数量"], zh=True),
    row("Is the GLM-4.7 in the plan the same as open source? Any differences in system prompts, context length?", None),
    row("是不是本地没优化，每次都是上下文都加载进去", None),
    row("Kilo Code shows invalid API key with my coding plan key. The same key works in Claude Code.", None),
    row("any discounts? also does the first-purchase 50% apply to annual plans?", "first_purchase_deal", {}, [r"50% off"],
        [r"billing-cycle change"]),
    row("is the coding plan worth it vs claude pro? how much more usage do i get", "plan_ratio", {}, [r"3×"]),
    # two rule questions in one message: both answered
    row("How many prompts does Lite get every 5 hours? Is there a weekly cap too?", "weekly_quota", {},
        [r"every 7 days", r"~80 prompts every 5 hours"]),
    row("我是 lite 套餐，5小时能用多少次？一周有上限吗", "weekly_quota", {}, [r"约 80 次", r"每 7 天"], zh=True),
    row("does z.ai store my code or use it to train models?", "data_use", {},
        [r"doesn't say in so many words", r"processed in real time", r"not User Content"]),
    row("Will my prompts be used for training?", "data_use", {}, [r"User Content"]),
    row("我的代码会被拿去训练模型吗？", "data_use", {}, [r"没有直接说明", r"实时处理"], zh=True),
    row("Where are your servers located? Our compliance team needs the country.", "data_location", {},
        [r"Singapore", r"JINGSHENG HENGXING"], [r"User Content"]),
    row("你们的服务器在哪？数据在哪个国家处理？", "data_location", {}, [r"新加坡", r"JINGSHENG HENGXING"], zh=True),
    row("Can my data be processed outside the country where I live?", "data_location", {},
        [r"Singapore", r"outside the jurisdiction in which you reside"]),
    row("Is there a free model on the general API I could use for a side project?", "free_models", {},
        [r"GLM-4\.7-Flash \(200K context\)", r"GLM-4\.5-Flash", r"\"Free\""]),
    row("通用 API 有没有免费的模型？上下文多大？", "free_models", {}, [r"GLM-4\.7-Flash（上下文 200K）", r"免费"], zh=True),
    row("Is the free trial of the coding plan still running?", "trial"),  # a free trial, not a free model
    row("When streaming from the general API, where do I get the token usage?", "stream_usage", {},
        [r"only appear in the last chunk", r"data: \[DONE\]"]),
    row("流式调用的时候 usage 在哪？", "stream_usage", {}, [r"最后一个 chunk"], zh=True),
    row("Is there an EU endpoint for the coding plan?", "regional_endpoint", {},
        [r"based in Singapore", r"don't mention regional endpoints"]),
    row("有没有欧洲节点？", "regional_endpoint", {}, [r"新加坡", r"没有提到其他地区"], zh=True),
    row("How do I fine-tune a model on my own data with the API?", None),  # a comparison, not Claude Code's model mapping
    row("Does the Lite plan support GLM-4.6V?", "vision_model", {}, [r"Vision MCP", r"all users", r"GLM-4\.6V"]),
    row("lite 套餐能用 glm-4.6v 吗", "vision_model", {}, [r"Vision MCP", r"所有用户"], zh=True),
    row("Is there a free trial of the coding plan?", "trial", {}, [r"don't mention a free trial", r"50% off"]),
    row("coding plan 可以免费试用吗？", "trial", {}, [r"没有提到", r"50%"], zh=True),
    row("Is the web search MCP on Lite only a trial quota?", "mcp_quota", {}, [r"\b100\b"]),
    row("where do I get my API key for the coding plan?", "api_key_where", {}, [r"manage-apikey/apikey-list"]),
    row("coding plan 的 API Key 在哪里获取？", "api_key_where", {}, [r"manage-apikey/apikey-list"], zh=True),
    row("Can I use the same API key for the coding plan and the pay-as-you-go API?", None),
    row("do you have a promo code for the coding plan?", None),
    # A yes/no lead only for a yes/no question; a charge of their own is support's before it is the policy's.
    row("does my subscription renew automatically?", "renewal", {}, [r"^Yes"]),
    row("what is the weekly limit?", "weekly_quota", {}, [r"every 7 days"], [r"^Yes"]),
    row("How do I get a refund for my Lite plan?", "refund", {}, [r"^Subscriptions are non-refundable"], [r"^No"]),
    row("can I get a refund for my Lite plan?", "refund", {}, [r"^No: subscriptions are non-refundable"]),
    row("I was charged twice for my Pro plan this month, I want a refund", "refund", {},
        [r"^A charge you did not expect .* is for Z\.ai support", r"general policy: subscriptions"]),

    # ---- near-misses real subscribers' messages produced: a word of a rule's topic, another question asked ------
    # a privacy question with "prompts" in it is the privacy policy's (data_use), never the prompt quota
    row("Do you store my prompts or use them for training?", "data_use", {}, [r"User Content"], [r"every 5 hours"]),
    row("I wrote a haiku about my code, any feedback?", None),
    row("glm-4.7 is really slow today, like 10 tokens/sec, is that expected?", None),
    row("Does GLM-4.7 support parallel tool calls?", None),
    row("does this web search rename Web Search Prime to just Web Search? Or does it match the tool name?", None),
    row("GLM-5.2 is missing from my model list. What are the steps to enable this specific model?", None),
    row("what is the difference between the open-source GLM-5.2 and the one in the Coding Plan?", None),
    row("国内的codingplan可以用吗 我用千帆的codingplan好像不可以", None),

    # ---- one pool, the helper, installing Claude Code, the first-purchase deal -----------------------------------
    row("Do Claude Code and Cline each get their own quota, or is it one pool?", "shared_quota", {},
        [r"share the same usage quota"]),
    row("is the usage limit shared across all my tools or separate for each tool?", "shared_quota", {},
        [r"One pool"]),
    row("What's the quickest way to set all my coding tools up automatically?", "coding_helper", {},
        [r"npx @z_ai/coding-helper"]),
    row("How do I install Claude Code, and which Node version do I need?", "claude_install", {},
        [r"npm install -g @anthropic-ai/claude-code", r"Node\.js 18"]),
    row("Is there a discount on my first Coding Plan purchase?", "first_purchase_deal", {}, [r"50% off"]),
    row("any promo for new users when i subscribe?", "first_purchase_deal", {}, [r"50% off", r"z\.ai/subscribe"]),
    # ---- reading one's own usage --------------------------------------------------------------------------------
    row("How can I check how much quota I have left?", "usage_check", {},
        [r"subscription page", r"glm-plan-usage", r"/glm-plan-usage:usage-query", r"Node\.js 18"]),
    row("is there an api endpoint to query my remaining usage?", "usage_check", {}, [r"no other way"]),
    row("在哪里查看我的剩余额度？", "usage_check", {}, [r"订阅页面", r"glm-plan-usage"], zh=True),
    row("I checked my usage this morning and it says 40%, is that a lot?", None),
    # ---- referral credits' validity, MCP beyond the plan, GLM-5: switching and choosing ----------------------------
    row("will my invite credits expire if I don't use them?", "referral_validity", {}, [r"long-term valid", r"30 days"]),
    row("邀请获得的积分有有效期吗？", "referral_validity", {}, [r"长期有效"], zh=True),
    row("when does my friend's invite link expire?", None),
    row("Is the Coding Plan available for teams, can several developers share one?", "personal_plan", {},
        [r"individual"]),
    row("Can I buy extra web searches once the monthly ones run out?", "mcp_access", {},
        [r"do not provide any other access"]),
    row("is there another way to use the vision MCP without the plan?", "mcp_access", {}, [r"resource package"]),
    row("How do I switch OpenCode over to GLM-5 on Max?", "glm5_switch", {"plans": ["max"]},
        [r"GLM-5", r"custom configuration", r"3×"]),
    row("how do I use glm-5 on the lite plan?", "glm5_switch", {"plans": ["lite"]}, [r"does not include GLM-5"]),
    row("For refactoring a big monorepo, should I pick GLM-5 or GLM-4.7?", "glm_choice", {},
        [r"daily development", r"large-scale engineering"]),
    row("Is GLM-5 better than GLM-4.7 at Python?", "glm_choice", {}, [r"routine tasks"]),
    row("what is GLM-4.7's context window vs GLM-5's?", "context_window", {},
        [r"GLM-4\.7 200K", r"don't state the context window of GLM-5"]),
    row("why does the usage page show GLM-5 when I picked GLM-4.7?", None),
    row("does GLM-4.7 support function calling", None),
    row("how to downgrade node version", None),
    row("is there a weekly newsletter?", None),
    # buying more quota: no add-on in the docs; the refreshes, a higher tier and the separate API are what they say
    row("can I buy more prompts when I run out?", "quota_topup", {}, [r"don't mention buying extra quota", r"every 5 hours",
                                                                     r"every 7 days", r"billed separately"]),
    row("is there an add-on or booster pack for extra quota?", "quota_topup", {}, [r"add-on pack"]),
    row("I keep hitting the 5 hour limit on Lite. Can I purchase extra quota without upgrading?", "quota_topup", {},
        [r"higher tier"]),
    row("When I hit the weekly limit, can I buy extra quota to continue?", "quota_topup", {}, [r"every 7 days"]),
    row("额度用完了可以单独购买加油包吗？", "quota_topup", {}, [r"没有提到可以单独购买"], zh=True),
    row("can I pay for more web searches?", "mcp_access", {}, [r"do not provide any other access"]),
    # wordings the subscription probe found answered by a neighbouring rule (or by none)
    row("i bought the monthly lite and now want yearly lite, does it start now or after the month is over?",
        "same_tier_upgrade", {}, [r"13 months"]),
    row("我上周买了Lite月付，现在想买Lite年付，是马上生效还是等月付结束？", "same_tier_upgrade", {}, [r"13 个月"], zh=True),
    row("我和室友合用一个Pro账号可以吗", "personal_plan", {}, [r"不得共享"], zh=True),
    row("我可以把我的账号给同事一起用吗？", "personal_plan", {}, [r"不得共享"], zh=True),
    row("If I buy the coding plan, will my account balance be used to pay for the subscription?", "fee_order", {},
        [r"credits balance", r"cash balance"]),
    row("usage page says 5 hour quota 100% but claude code still works. will i be billed for these extra calls?",
        "quota_exhausted", {}, [r"will not deduct from your account balance"]),
    row("Do I get charged VAT or sales tax on the subscription?", "billing_pages", {}, [r"any taxes", r"don't state a tax rate"],
        [r"invoices"]),
    row("I need an invoice with a VAT number", "billing_pages", {}, [r"issuing invoices"], [r"any taxes"]),
    row("自动续费怎么关？", "cancel_deadline", {}, [r"取消"], zh=True),
    row("Pro用户的视觉理解MCP有单独的次数限制吗？", None),
    row("Does the 5-hour quota count tokens or requests?", "model_calls", {}, [r"counts prompts, not tokens"]),
    row("how many tokens is one prompt actually?", "model_calls", {}, [r"don't say how many tokens"]),
    row("why was my card charged 0.50 when only 0.12 was left after my credits were applied?", "card_minimum", {},
        [r"small minimum"]),
    row("智谱AI的请求数和官网不一致", "model_calls", {}, [r"15–20"], zh=True),
    row("Cline 的 Context Window 应该设多少？Support Images 要不要勾选？", "context_window", {}, [r"204800"], zh=True),
    row("Does the weekly limit apply to me? I subscribed on Feb 3 with auto renew on.", "grandfathering", {},
        [r"enabled auto-renewal before February 12"]),
    row("每周限额对我适用吗？我1月份买的Max，开了自动续费", "grandfathering", {}, [r"2 月 12 日前"], zh=True),
    row("is there a weekly limit on Pro?", "weekly_quota", {"plans": ["pro"]}, [r"weekly quota"]),
    row("Will my coding plan subscription auto renew? I paid with paypal.", "renewal", {}, [r"automatically renew"]),
    row("my request count doesn't match the prompts on the usage page", "model_calls", {}, [r"15–20 model calls"]),
    row("can the vision mcp analyze videos? what size limit?", None),  # a file's size limit is no monthly count
    # GitHub-issue-style messages the third probe found answered by a neighbouring rule
    # a "not stated" answer offers no unrelated figure (the first-purchase percentage is not a student discount)
    row("Is there a student / edu pricing for the GLM Coding Plan? I'm a university student.", "special_discount", {},
        [r"don't mention a student"], [r"\$6", r"\d+ ?%"]),
    row("请问 GLM Coding Plan 有学生优惠或者教育折扣吗？", "special_discount", {}, [r"没有提到学生"], zh=True),
    row("Trying to subscribe to Pro with Visa. The bank shows a 3DS prompt and then the payment fails.", "payment_failed",
        {}, [r"3DS verification"], [r"carries over"]),
    row("信用卡支付失败怎么办", "payment_failed", {}, [r"3DS"], zh=True),
    row("I need a proper invoice with my company name for reimbursement. Where can I download one?", "billing_pages", {},
        [r"issuing invoices"], [r"non-refundable"]),
    row("Can we share one coding plan API key in our team of 3 developers?", "personal_plan", {}, [r"individual"]),
    row("Can I have two API keys for my own projects?", "api_key_where", {}, []),
    row("Which MCP tools does Z.ai provide for the coding plan?", "mcp_list", {}, [r"Vision Understanding MCP Server"]),
    row("Which MCP servers are included with the GLM Coding Plan?", "mcp_list", {}, [r"Web Reader MCP Server"],
        [r"100 web searches"]),
    row("Does the coding plan quota get used when I call the API from Python?", None),
    # near-misses the session's trigger review wrote for the widened rules (each was answered by the wrong one)
    row("How do I increase the output limit in Cline? answers get cut off mid-file", None),
    row("Do I get more prompts on Max than on Pro, and how many?", "plan_quota", {}, [r"~?1,?600"]),
    row("Can I get more requests in parallel on Max? Cline runs 3 agents at once", "rate_limits", {}, []),
    row("Claude Code 的输出 token 怎么提高上限？", None),
    row("Can I pay to reset my 5-hour window early? I'm stuck until 6pm", "quota_topup", {}, [r"every 5 hours"]),
    row("I subscribed last week, when does my weekly limit reset?", "weekly_quota", {}, [r"7 days"]),
    row("I turned off auto-renew; how big is the weekly quota on Lite?", "weekly_quota", {}, [r"do not state the size"]),
    row("我1月买的Lite，每周额度是多少？", "weekly_quota", {}, [], zh=True),
    row("I've been on Max since December and kept renewal on. Am I exempt from the new per-week cap?", "grandfathering",
        {}, [r"unlimited weekly usage"]),
    row("Does my account balance get used when I run out of plan quota?", "quota_exhausted", {},
        [r"will not deduct from your account balance"]),
    row("I have $5 balance left over, will it be used up by the coding plan in Claude Code?", "quota_exhausted", {},
        [r"will not deduct from your account balance"]),
    row("Can I pay for Pro out of my existing account balance?", "fee_order", {}, [r"credits balance"]),
    row("If I pay for the Max plan, do I get usage beyond the Pro limits?", "plan_quota", {}, [], [r"^No"]),
    row("auto renew failed because my card expired, will I lose my plan?", None),
    row("自动续费关掉之后，额度还能用到月底吗？", "cancel_deadline", {}, [r"到期"], zh=True),
    row("Does the context limit count tokens or messages?", None),
    row("Lite monthly or Lite quarterly, does GLM-5 become active right after I buy?", "models", {}, [r"Lite"]),
    row("同一个账号在公司电脑和家里电脑轮流用可以吗？", None),
    row("我能不能把 Pro 套餐分给我弟弟用？", "personal_plan", {}, [r"不得共享"], zh=True),
    row("Can my wife use my Lite subscription on her laptop?", "personal_plan", {}, [r"shall not share"]),
    row("Can I use the coding plan to build tax software for my clients?", "use_scope", {}, [r"personal code-assistance"],
        [r"any taxes"]),
    row("My friend got his money back from Cursor after a week. Anyway GLM has been great so far.", None),
    row("I'm not asking for a refund, just reporting that my 5h limit reset late today.", None),
    # a use the docs don't name: the FAQ's designated-tools sentence, the listed tools, the API for the rest
    row("Is it allowed to use the coding plan API key in an Obsidian plugin for note summaries?", "use_scope", {},
        [r"designated or\s+recognized by Z\.ai", r"don't say whether other tools"], [r"^No"]),
    row("使用 coding plan 的 key 在沉浸式翻译里可以吗", "use_scope", {}, [r"指定或认可"], zh=True),
    row("Will using the GLM coding plan with Raycast AI get me banned?", "use_scope", {}, [r"Z\.ai support can say"]),
    row("Can the coding plan be used in a browser extension I'm building for my company?", "use_scope", {},
        [r"pay-as-you-go API"]),
    row("Can I use the plan with the Anthropic endpoint?", None),
    row("Lite套餐每5小时可以用多少次提示？", "plan_quota", {}, [r"80"], zh=True),
    row("Lite套餐可以用GLM-5吗？", "models", {}, [], zh=True),
    # the fourth review's misfires and the Chinese probe's wrong facts
    row("好友 72 小时后才付款还算邀请成功吗", "referral_qualifies", {}, [r"超过了 72 小时"], [r"符合：72"], zh=True),
    row("my friend paid 2 days after signing up with my link, do I get credit?", "referral_qualifies", {},
        [r"inside the 72-hour window"]),
    row("我 2 月 12 号之前就订阅了 Pro 包年而且开了自动续费，现在额度和价格会变吗", "grandfathering", {}, [r"保持不变"], zh=True),
    row("Signed up for Max back in January with renewal on. Is the new weekly cap going to hit me?", "grandfathering",
        {}, [r"unlimited weekly usage"], [r"^Yes"]),
    row("我去年开通的 Pro 一直自动续费，现在也有周限额吗？", "grandfathering", {}, [r"不受每周额度限制"], zh=True),
    row("Will auto-renew charge my account balance or my card?", "fee_order", {}, [r"credits balance"], [r"^Yes"]),
    row("Does auto-renew use the same discounted price as my first month?", None),
    row("我同时在 Cline 和 Claude Code 里用同一个套餐，额度是分开算还是共享的", "shared_quota", {}, [r"共享"], [r"不能与团队"],
        zh=True),
    row("I wanted a refund last week but decided to keep the plan. Great work on GLM-4.7.", None),
    row("我这边想把钱退回来，刚买两天，没怎么用。", "refund", {}, [r"不可退款|不支持退款|不予退款|不能退"], zh=True),
    row("My card payment failed but the money was taken from my account anyway, what now?", None),
    row("3DS is off on my card and it still fails at checkout. What else could it be?", None),
    row("How many tokens can GLM-4.7 output at most in one response?", None),
    row("Can I use the coding plan in Japan? I'm travelling there next month.", None),
    row("Can I use the coding plan on Windows through WSL?", None),
    row("I'm a teacher; can my students share one Pro plan in class?", "personal_plan", {}, [r"individual"]),
    row("Claude Code used 450 prompts in one day? that seems like a lot for Lite", None),
    row("Lite 升 Pro 的差价怎么算？", "upgrade_rules", {}, [r"按比例"], zh=True),
    row("Max 包月想降到 Pro，什么时候生效？", "downgrade", {}, [r"计费周期结束后"], zh=True),
    row("用 GLM-5 是不是特别费额度？比 4.7 多耗几倍", "models", {}, [r"3 倍"], zh=True),
    row("Does GLM-5 eat more quota than 4.7?", "models", {}, [r"3×"]),
    row("请问可以用coding plan的api吗，我试了一下不行", "use_scope", {}, [r"指定或认可"], zh=True),
    row("是否能支持智谱的 Coding Plan", "use_scope", {}, [r"指定或认可"], zh=True),
    row("能用智谱的编码套餐吗？", "use_scope", {}, [r"指定或认可"], zh=True),
    row("Does this support the GLM coding plan?", "use_scope", {}, [r"designated or\s+recognized"]),
    row("Is GLM coding plan supported?", "use_scope", {}, [r"designated or\s+recognized"]),
    row("Why did auto-renew charge me $3 more than last month?", None),
    row("How do I turn auto-renew back on after I cancelled?", None),
    row("Will my credits balance be used to buy more quota when my plan runs out?", "quota_exhausted", {},
        [r"will not deduct from your account balance"]),
    row("老婆想用我的 Max 套餐，可以吗", "personal_plan", {}, [r"不得共享"], zh=True),
    row("Is it OK if my roommate uses my API key on his PC sometimes?", "personal_plan", {}, [r"shall not share"]),
    # the last review: the friend's discount has no 72-hour verdict, a weekly answer says "Yes" only to "is there
    # one", February 12 named with another question, 降了多少钱 is no downgrade, turning renewal back on no cancelling
    row("Does my friend's referral discount apply if he pays 4 days after registering?", "referral_friend_discount", {},
        [r"10% instant discount"], [r"past the 72-hour window"]),
    row("Does the friend's 10% discount also require paying within 72 hours?", "referral_friend_discount", {}, [],
        [r"inside the 72-hour window"]),
    row("Does the weekly limit reset on February 12?", "weekly_quota", {}, [r"7 days"], [r"^Yes"]),
    row("Is the weekly quota bigger for Max than for Pro?", "weekly_quota", {}, [r"do not state the size"], [r"^Yes"]),
    row("is there a weekly limit?", "weekly_quota", {}, [r"^Yes"]),
    row("Does the February 12 change affect the General API pricing?", None),
    row("Max 比 Pro 降了多少钱？现在活动价是多少", "plan_price", {}, [], zh=True),
    row("I cancelled auto-renew by mistake, how do I turn it back on?", None),
    row("Claude Code keeps asking permission for every command since I installed it. How do I turn that off?", None),
    row("客服的邮箱地址是多少？", None),
    row("Lite 套餐能用多少次？", "plan_quota", {}, [r"80"], zh=True),
    row("国内版的编码套餐 5 小时多少次？", "plan_quota", {}, [r"80"], zh=True),
    row("我是 Pro 套餐，Claude Code 里想切到 GLM-5，settings.json 具体改哪几行？", "glm5_switch", {}, [r"settings\.json"],
        zh=True),
    # labelled probe messages (tests/data/probe_messages.jsonl): a question that points back at the story, fee order
    # asked of the referral family, 合买/共用, a purchase before the change, asides that are not the ask
    row("The plan renewed itself again and charged my card although I hardly used it this month. how do I switch it off "
        "before the next one, and by when?", "cancel_deadline", {}, [r"24 hours"]),
    row("Claude Code keeps asking permission for every command since I installed it, and it is annoying me a lot. how "
        "do I turn it off?", None),
    row("续费的时候是先扣我邀请好友得的积分还是先扣余额？", "fee_order", {}, [r"积分（credits）余额"], zh=True),
    row("Renewal took my invite rewards. Why does it use my credits first? Can I choose which one pays?", "fee_order", {},
        [r"credits balance"]),
    row("My friend paid 60 USD on his first order with my invite link. How many credits will I get for it?",
        "referral_reward", {}, [r"\b18\b"]),
    row("我和朋友合买了一个 Pro，key 共用可以吗？", "personal_plan", {}, [], zh=True),
    row("I bought Max back in December, before the change. How many prompts do I get every 5 hours now?",
        "grandfathering", {}, [r"before February 12"]),
    row("How many prompts per 5 hours does Pro give? I want to know if I can run two agents in parallel all day",
        "plan_quota", {}, [r"400"]),
    row("What's the rate limit on concurrent requests? how many prompts can I even send at once?", "rate_limits"),
    row("Any date for GLM-5 on Lite? I'm trying to decide whether to upgrade to Pro or wait", "models", {},
        [r"don't give a date"]),
    row("Can I buy more web reader calls from my balance instead of upgrading to Pro?", "mcp_access", {},
        [r"resource package"]),
    row("My Lite web searches are used up. Can the web search MCP bill my API balance for the rest of the month?",
        "mcp_access", {}, [r"resource package"], [r"\$0\.01"]),
    row("How much does the built-in web search tool cost per call on the general API?", "api_tool_price", {},
        [r"\$0\.01"]),
    row("I am thinking about upgrading from Lite to Pro, what would it cost me today?", "upgrade_cost", clarify=True),
    # a vague question reads its story; an install as the scene; a checkbox's quoted label is not the ask
    row("I upgraded to Max to get GLM-5 but Claude Code still shows glm-4.7 in /status. What should I do?", "glm5_switch",
        {}, [r"GLM-5"]),
    row("I installed the Claude Code plugin in PyCharm and it only asks me to log in to Anthropic. Can I use the plan?",
        None),
    row('which context window size do you use for glm-4.7 in Cline? and should I tick "Support Images"?',
        "context_window", {}, [r"204800"]),
    # the second labelled probe round: a story told before the question is not the question
    row("I invited my brother and we both subscribed last week. When do my credits show up?", "referral_issuing", {},
        [r"24.48 hours"]),
    row("Can I withdraw my credits to PayPal?", "referral_withdraw", {}, [r"cannot be withdrawn"]),
    row("credits covered all but 40 cents of my renewal and my card was charged more than that, why?", "card_minimum", {},
        [r"rounded up"]),
    row("Lite 升 Max 额度多几倍？", "plan_ratio", {}, [], zh=True),
    row("If I let it auto-renew after the price goes up, am I agreeing to the new price?", "price_change", {},
        [r"accepting the new fees"]),
    row("I installed the glm-plan-usage plugin from the marketplace, how do I install it on a second machine?", None),
    row("I bought Pro on Feb 3, before the change. How many prompts do I get every 5 hours now?", "grandfathering", {},
        [r"remains unchanged"]),
    # very short Chinese messages: the plan's words without 套餐
    row("包季能转让吗", "personal_plan", {}, [r"不能转让"], zh=True),
    row("Max 降 Pro", "downgrade", {}, [], zh=True),
    # the fourth labelled probe round: where and whose are no reward rate; own credits are no friend's payment; a
    # how-to names its own task; the term already paid; GLM-5's rate coming down; prices in another currency
    row("邀请返利明细去哪查", "referral_view", {}, [r"Transaction History", r"Your Credit Rewards"], zh=True),
    row("朋友先点了别人的邀请链接又点了我的，返利算谁的", "referral_attribution", {}, [r"最后一个有效"], zh=True),
    row("had about 18 USD in credits from inviting two colleagues, today it shows 0. my Pro renewed yesterday", None),
    row("返利发少了，已经过去一个多月了还能申诉吗", "referral_objection", {}, [r"15 天"], zh=True),
    row("Just upgraded to Max. How do I actually get Claude Code to use GLM-5?", "glm5_switch", {}, [r"GLM-5"]),
    row("I'm 5 months into an annual Max plan. Will they raise the price for the rest of my year?", "price_change", {},
        [r"not increase fees during your current term"]),
    row("包年期间会涨价吗", "price_change", {}, [r"不会在你当前的订阅期内"], zh=True),
    row("When will the GLM-5 3x rate go down?", "models", {}, [r"adjust it downward", r"no date"]),
    row("GLM-5 三倍消耗啥时候能降下来", "models", {}, [r"下调", r"没有给出时间"], zh=True),
    row("is there regional pricing for India? Pro in USD is a lot, a friend said it is cheaper in INR", "plan_price", {},
        [r"USD only", r"don't mention regional prices"]),
    # short Chinese plan questions: 升了, 一天几次, credits 抵完还要付, zread 共用
    row("lite 刚升了 max，额度怎么看着没变", "upgrade_rules", {}, [r"立即生效"], zh=True),
    row("lite 一天大概能用几次", "plan_quota", {}, [r"80", r"没有给出每天的次数"], zh=True),
    row("How many prompts a day does Pro give?", "plan_quota", {}, [r"400", r"not per day"]),
    row("credits 抵完了为啥还要付 0.5 刀", "card_minimum", {}, [r"\$0\.50", r"Stripe"], zh=True),
    row("lite 的 zread 调用是跟联网搜索共用那 100 次吗", "mcp_quota", {}, [r"100", r"Zread MCP 的调用也计入"], zh=True),
    row("On Lite, do zread calls come out of the same pool as web search?", "mcp_quota", {}, [r"same monthly total"]),
    # "got the receipt" is no "go": a Pro-then-Lite story is no downgrade asked for
    # bare 返 / 推荐 / 单独 / 试用 inside other words are no referral, MCP-purchase or trial question; "reverse it" is a refund
    row("Kilo Code 里 glm-4.7 的 temperature 推荐设多少？", None),
    row("我是 Lite 用户，想临时用一下 glm-5，会扣我邀请返利的 credits 吗还是直接扣余额？", None, must_not=[r"30%"]),
    row("视觉理解不是单独算的吗？", None),
    row("视觉理解 MCP 能单独购买吗？", "mcp_access"),
    row("让 claude code 帮我写一个内网渗透测试用的端口扫描脚本，为什么报错", None),
    row("I clicked Max annual instead of Pro monthly by mistake 10 minutes ago. Please reverse it", "refund"),
    row("how do I reverse it and go back to the old config?", None),
    row("I have ~$12 of referral credits sitting there. can I spend them on the API?", None, must_not=[r"30%"]),
    row("how many prompts does Lite give per 5h? the landing page says 3x Claude Pro", "plan_quota", {}, [r"80"]),
    # a purchase of another plan the page does not show yet: a cross-tier upgrade, which takes effect immediately
    row("paid for Pro this morning, got the confirmation email, but my subscription page still says Lite", "upgrade_rules",
        {}, [r"immediately"], must_not=[r"downgrade", r"13 months"]),
    # a yes/no question about the quota or the price, not for its amount; the figure still answers one that names a
    # figure, a change, a comparison or a kind of price; "input+output" tokens are the total, not one request's
    row("Is the Lite plan's prompt quota shared with chat.z.ai?", None),
    row("Going on leave for 2 months. Can I pause my Pro subscription and resume later with the same price and quota?",
        None),
    row("Is Max still 2400 prompts per five hours?", "plan_quota", {}, [r"1,?600"]),
    row("Did my Pro quota just get cut?", "plan_quota", {}, [r"400"]),
    row("Is the Lite quota enough for a full work day?", "plan_quota", {}, [r"80"]),
    row("Is the Pro price 30 dollars a month?", "plan_price", {}, [r"\$30"]),
    row("how many TOKENS exactly do I get per 5-hour window on Pro? input+output, exact number please",
        "token_allowance", {}, [r"don't state a token quota"]),
    # data used to improve models; requests going to another model than the one configured in Claude Code
    row("Do you know if z.ai use your prompts to improve their models?", "data_use", {}, [r"User Content"]),
    row("配置 claude code 所有模型都是 glm-5.1，但是看后台记录还是有大量请求是 glm-4.7，是哪里配置的不对吗？", "claude_mapping", {},
        [r"ANTHROPIC_DEFAULT_SONNET_MODEL"], zh=True),
    row("I use glm-5 in Claude Code and glm-4.7 in Cline. Is that allowed?", None),
    # Chinese asked without a question mark, and in short: 能退不, 要等多久才能接着用, 邀请九折 on a renewal
    row("包季的 pro 买了三天，不想用了，能退不", "refund", {}, [r"不可退款"], zh=True),
    row("额度用完了要等多久才能接着用", "quota_reset", {}, [r"5 小时"], zh=True),
    row("续费咋变原价了？首月明明打了折，还叠了朋友的邀请九折", "referral_friend_discount", {}, [r"续费、升级、降级等订单都不适用"], zh=True),
    row("朋友用我的邀请码买了 Pro，他首单先打了折，那我拿的返利是按原价算还是按折后价算？", "referral_reward"),
    # the deal's end date is not in the docs; an app store's subscription is cancelled by its process; "new user" is
    # one who never paid, however old the account; choosing the renewal date is no renewal question
    row("when does the 50% off first purchase deal end?", "first_purchase_deal", {},
        [r"don't state when the\s+offer ends"]),
    row("我是在手机 App Store 里订阅的，现在想取消自动续费，网页订阅页上找不到取消按钮", "renewal", {}, [r"distributor",
        r"分销商的流程"], zh=True),
    row("How do I cancel a subscription I bought through the App Store on my iPhone?", "cancel_deadline", {},
        [r"distributor’s process"]),
    row("一年前就注册了账号但从没买过套餐，用朋友的邀请链接下单还能吃到首单折扣吗", "referral_friend_discount", {},
        [r"从未付费订阅过"], zh=True),
    row("自动续费的扣款日能不能改？想统一改到每月 1 号扣", None),
    # the question's own intent over a figure the story's words trigger; the plan a mapping question names
    row("is there a student discount for the Pro plan? I have a .edu email, Lite's 5 hours limit is too tight",
        "special_discount"),
    row('GLM-5 on Lite: every opus request errors. settings.json has "ANTHROPIC_DEFAULT_OPUS_MODEL": "glm-5". Plan: '
        'Lite monthly.', "claude_mapping", {}, [r"Lite plan currently does not include GLM-5"], [r"On Pro or Max"]),
    row("I'm on Lite, what should opus map to in Claude Code? Will GLM-5 come to Lite?", "claude_mapping", {}, [],
        [r"returns an error"]),  # nothing mapped to GLM-5, nothing failing
    row("how do I tell which model claude code is using right now? the header still says Sonnet", "claude_mapping", {},
        [r"`/status`"]),
    row("Pro here. Switched opus mapping to glm-5 and my 5h window is gone in an hour and a half", "claude_mapping", {},
        [r"^GLM-5 consumes the plan's quota 3 times as fast"]),
    # a device or Apple Pay is no app-store purchase
    row("I paid with Apple Pay. How do I cancel my Pro subscription?", "cancel_deadline", {}, [], [r"distributor"]),
]


def test_a_charge_story_with_an_upgrade_that_did_not_apply_is_no_upgrade_rule():
    """"Charged twice for Starter to Pro, plan did not change": their charge, for a person; never the upgrade rules."""
    for story in ("Charged twice for Starter to Pro upgrade, but plan did not change\nHello, I need help with a "
                  "billing issue. I tried twice to upgrade my subscription from the Starter plan to the Pro plan, and both "
                  "payments went through. However, the upgrade was not applied, and my account still shows Starter.",):
        result = answer_rules(story, [], SETTINGS, facts=FACTS)
        assert result is None or "upgrade" not in result.trace.get("intent", ""), result

FIELDS = "question, history, intent, slots, must, must_not, clarify, zh"
ROWS = [pytest.param(*p.values, marks=p.marks, id=f"{i:03d} {p.values[0][:48]}") for i, p in enumerate(RAW)]


def _comparable(key: str, value):
    """Slots in the form the table states them: plans in order with repeats collapsed, days_used as days used."""
    if key == "plans":
        return list(dict.fromkeys(value))
    if key == "days_used" and isinstance(value, tuple):
        kind, amount = value  # ("day", N) is the Nth day of the cycle, i.e. N - 1 days used
        return max(amount - 1, 0) if kind == "day" else amount
    return value


@pytest.mark.parametrize(FIELDS, ROWS)
def test_rules_table(question, history, intent, slots, must, must_not, clarify, zh):
    parsed, reply = explain(question, list(history), SETTINGS, facts=FACTS)
    assert parsed.intent == intent, f"intent {parsed.intent!r}, slots {parsed.slots}"
    for key, expected in slots.items():
        assert key in parsed.slots, f"slot {key!r} missing from {parsed.slots}"
        assert _comparable(key, parsed.slots[key]) == expected, f"slot {key!r}: {parsed.slots[key]!r}"

    if intent is None:
        assert reply is None
        assert answer_rules(question, list(history), SETTINGS, facts=FACTS) is None
        return

    assert reply is not None
    assert reply.clarify is clarify, reply.text
    if clarify:
        assert re.search(r"[?？]", reply.text), reply.text  # a Chinese question ends in a full-width mark
    for pattern in must:
        assert re.search(pattern, reply.text), f"{pattern!r} not in: {reply.text}"
    for pattern in (*must_not, *ALWAYS_FORBIDDEN):
        assert not re.search(pattern, reply.text), f"{pattern!r} found in: {reply.text}"
    if zh:
        assert CJK.search(reply.text), f"not answered in Chinese: {reply.text}"
    if not clarify:
        assert reply.fact_ids, "an answer must rest on at least one fact"


def _front_matter(doc_id: str) -> dict:
    path = Path(CORPUS) / f"{doc_id}.md"
    assert path.is_file(), f"a source cites {doc_id!r} but {path} does not exist"
    return frontmatter.load(path).metadata


# The citation contract, over every answered row that the code already gets right.
ANSWERED = [pytest.param(p.values[0], p.values[1], id=p.id) for p in ROWS
            if not p.marks and p.values[2] is not None and not p.values[6]]
CLARIFYING = [pytest.param(p.values[0], p.values[1], id=p.id) for p in ROWS if not p.marks and p.values[6]]


@pytest.mark.parametrize("question, history", ANSWERED)
def test_answer_ends_with_a_dated_citation_of_real_documents(question, history):
    result = answer_rules(question, list(history), SETTINGS, facts=FACTS)
    assert result is not None
    assert result.route == "rules"
    assert result.sources
    last = result.text.rstrip().splitlines()[-1]
    cited = re.fullmatch(r"\((?:Source|来源): (.+)\)", last)
    assert cited, f"no citation line at the end of: {result.text}"
    assert re.search(r"(as of|截至) \d{4}-\d{2}-\d{2}", last), last
    for source in result.sources:
        meta = _front_matter(source.doc)
        assert source.title == str(meta["title"]) and source.as_of == str(meta["as_of"])
        assert source.url == str(meta["source"])
        assert re.search(rf"{re.escape(source.title)}, (as of|截至) {re.escape(source.as_of)}", cited.group(1)), last


@pytest.mark.parametrize("question, history", CLARIFYING)
def test_clarifying_question_is_a_rules_answer_without_a_figure_claimed_as_final(question, history):
    result = answer_rules(question, list(history), SETTINGS, facts=FACTS)
    assert result is not None and result.route == "rules"
    assert re.search(r"[?？]", result.text)


def test_the_table_is_big_enough_and_covers_what_the_issue_asks():
    intents = [p.values[2] for p in ROWS]
    assert len(ROWS) >= 110
    assert intents.count(None) >= 20, "near-misses"
    assert sum(1 for p in ROWS if p.values[1]) >= 8, "multi-turn follow-ups"
    assert sum(1 for p in ROWS if p.values[7]) >= 6, "Chinese questions"


def test_every_intent_answers_some_chinese_question_in_chinese():
    """A third of subscribers write in Chinese: a new intent without a Chinese row (and branch) fails here."""
    from helpdesk.rules.registry import intents

    reached = {p.values[2] for p in ROWS if p.values[7] and not p.marks}
    missing = sorted(set(intents()) - reached)
    assert not missing, f"no zh=True row reaches {missing}: add one (and a Chinese branch to the handler)"


def test_a_short_follow_up_is_read_with_the_turn_that_set_the_scene():
    parsed, reply = explain("They paid 50 dollars. How much do I get?",
                            [user("I invited a friend and they subscribed with my link."),
                             bot("Great, you earn credits once their first payment is confirmed.")], SETTINGS, facts=FACTS)
    assert parsed.intent == "referral_reward" and re.search(usd("15"), reply.text), reply.text


@pytest.mark.parametrize("question, topic", [
    ("how do I set GLM-5 up with deep thinking in Claude Code?", "guides-thinking-mode"),
    ("How do I switch to GLM-5 in Claude Code for streaming responses?", "guides-streaming"),
])
def test_a_rule_gives_way_when_the_ask_names_a_page_of_its_own(question, topic):
    """GLM-5's switching rule fires on these words, but the ask is about thinking mode or streaming, which have pages
    of their own that the rule neither cites nor mentions: retrieval, which prefers that page, answers instead."""
    from helpdesk.message import analyse
    from helpdesk.query import preferred_docs

    parsed, reply = explain(question, [], SETTINGS)
    assert parsed.intent is not None and reply is not None  # the trigger alone would have answered
    msg = analyse(question, CORPUS)
    assert topic in msg.topics and topic in preferred_docs(msg)
    assert answer_rules(question, [], SETTINGS) is None


def test_a_page_topic_the_rule_answers_does_not_block_it():
    """"Web search" named in an MCP quota question is the rule's own topic: the answer cites that page or says it."""
    result = answer_rules("How many web searches per month do I get on Lite?", [], SETTINGS)
    assert result is not None and re.search(r"\b100\b", result.text), result


@pytest.mark.parametrize("message", [
    "I tested GLM 4.6 with Kilo Code and Roo Code. Honestly it's just average. I'm planning to seek a refund through "
    "the proper channels.",
    "用了两天感觉一般，我要退款",
])
def test_a_refund_wished_for_in_a_story_gets_the_refund_policy(message):
    """No question sentence, no charge of their own: the wish for a refund is still the refund policy's."""
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and result.trace["intent"] == "refund", result
    assert re.search(r"non-refundable|不可退款|不支持退款|不予退款|不能退", result.text), result.text


def test_a_story_that_mentions_no_refund_gets_no_refund_answer():
    result = answer_rules("I tested GLM 4.6 with Kilo Code. Honestly it's just average.", [], SETTINGS, facts=FACTS)
    assert result is None or result.trace.get("intent") != "refund"


@pytest.mark.parametrize("message, intent, pattern", [
    ("Subject: downgrade did nothing\n\nHello, on Saturday I switched my plan from Max to Pro on the subscription page "
     "and confirmed it. It's Wednesday and I still have Max and nothing changed on my bill. Can you check my account?",
     "downgrade", r"after your current billing cycle ends"),
    ("bug: Reset time shows 10 hrs window instead of 5 hours (again in 0.49.2). This issue was fixed but came back in "
     "version 0.49.2", "quota_reset", r"5-hour cycle"),
    # a plan change the account does not show yet: when it takes effect, with a person; cashing out credits
    ("Upgraded Lite -> Pro, still on Lite\n\nPaid the Pro monthly difference about an hour ago (receipt received). "
     "Subscription page still says Lite.", "upgrade_rules", r"takes effect immediately[\s\S]*z\.ai/contact"),
    ("I have 45 USD in credits from referrals sitting in my account and I'm not going to renew. Please send the 45 USD "
     "to my PayPal.", "referral_withdraw", r"cannot be withdrawn"),
])
def test_a_story_that_asks_only_for_a_person_gets_the_policy_it_is_about(message, intent, pattern):
    """"...I still have Max. Can you check my account?": the story is the ask; the policy that explains it, with a
    person who can look at the account. Never a figure or an upgrade's rules from a story's plan words."""
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and result.trace["intent"] == intent, result
    assert re.search(pattern, result.text) and "z.ai/contact" in result.text, result.text


def test_a_story_about_an_upgrade_gets_no_upgrade_rules_answer():
    message = ("Charged twice for Starter to Pro upgrade, but plan did not change. I tried twice to upgrade my "
               "subscription from the Starter plan to the Pro plan, and both payments went through. Can you help?")
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is None or result.trace.get("intent") not in ("same_tier_upgrade", "upgrade_rules"), result.text
