"""The rules answer what the message asks, not what its story mentions.

Messages as subscribers write them: a plan, a figure, a price or an upgrade told as context, then a question about
something else; a complaint with no question at all; a thing they did not do ("no top-ups"). Each row says which rule
may answer (or that none may, so the message falls through to retrieval) and what the answer must say. The docs'
own words are what `must` looks for.
"""

from __future__ import annotations

import re

import pytest

from helpdesk.message import analyse
from helpdesk.rules import answer_rules, self_contained, shares_words, without_not_done
from helpdesk.rules.facts import load_facts
from helpdesk.rules.troubleshoot import SETUP_ASK
from helpdesk.rules.understand import normalise
from helpdesk.settings import Settings

SETTINGS = Settings.from_env({})
FACTS = load_facts(SETTINGS.facts_path)


def rules(message: str):
    return answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)


def intent(message: str) -> str | None:
    answer = rules(message)
    return None if answer is None else answer.trace.get("intent") or answer.trace.get("layer")


# A question that names its own subject: the story's figures before it ask no rule
@pytest.mark.parametrize("message, never", [
    ("Max monthly user, 1600 prompts per 5 hours is far more than I need. But droid edits code straight away. Is "
     "there a mode where it writes a plan first and waits for my approval before touching code?", "plan_quota"),
    ("上个月 Lite 升 Pro 的时候，剩余价值折算成了 $18 的账户余额。这笔余额我用不上，能不能提现退回到原来的信用卡上面去？",
     "upgrade_rules"),
])
def test_a_self_contained_question_is_not_answered_with_its_storys_figure(message, never):
    assert intent(message) != never


def test_a_short_question_still_leans_on_its_story():
    # "How much do I get?" names nothing of its own: the story's figures are what it asks about
    assert intent("My friend paid 30 USD with my invite link. How much do I get?") is not None
    assert not self_contained(["How much do I get?"])


def test_shared_words_are_content_words_and_figures_not_filler():
    assert shares_words("will my prompt limits shrink before my cycle ends?", "your quota stays for the current cycle")
    assert not shares_words("is there a mode that plans before editing code?", "Max: about 1600 prompts every 5 hours")
    assert shares_words("这个 weekly quota 是从哪天开始算的？", "每周额度从下单时间开始计算")
    assert not shares_words("能不能提现退回到原来的信用卡？", "跨档位升级立即生效，剩余价值按比例折算")


# What they did not do or do not want names no rule
@pytest.mark.parametrize("text, gone", [
    ("Pro renewal shows $32.70 on my card. No upgrades, no top-ups, nothing else.", ("upgrades", "top-ups")),
    ("Pro 包季，也不打算 refund 或者 upgrade。", ("refund", "upgrade")),
    ("I'm not asking for a refund, I just want to understand the charge.", ("refund",)),
])
def test_things_not_done_are_taken_out_of_statements(text, gone):
    kept = without_not_done(text)
    assert not any(word in kept for word in gone)


def test_a_question_about_a_refund_keeps_its_negation():
    assert "refund" in without_not_done("so no refund at all, even after one day?")


def test_a_negated_upgrade_leaves_the_weekly_question():
    answer = rules("Pro 包季，GLM-5 3 倍消耗我知道，也不打算 refund 或者 upgrade。这周三就提示 weekly quota 用完了。\n"
                   "就想搞清楚一件事：这个 weekly quota 是从哪天开始算的？")
    assert answer is not None and answer.trace["intent"] == "weekly_quota"
    assert re.search(r"下单|order", answer.text) and not re.search(r"升级|upgrade", answer.text)


# A statement that tells what happened gets no price, quota or upgrade figure from its own numbers
@pytest.mark.parametrize("message", [
    "Upgraded Lite -> Pro on day 15 of my Lite monthly. Checkout charged $27 and at the same minute a $3.00 account "
    "balance appeared that I never topped up.",
    "今天收到邮件说 Pro 套餐价格要调整。我是去年 11 月买的 Pro 包年，开着自动续费，还有 5 个月才到期。",
])
def test_a_told_story_gets_no_figure_computed_from_its_numbers(message):
    assert intent(message) not in ("upgrade_cost", "plan_price", "plan_quota")


def test_a_title_that_names_a_topic_is_still_a_question():
    assert intent("Lite plan price") == "plan_price"


# A question after a date, a future or a notice: today's figure or rule is not its answer
@pytest.mark.parametrize("message, never", [
    ("will I get an email reminder a few days before my Max annual auto-renews? it's a big charge.", "cancel_deadline"),
    ("Lite: is the 100 web search / web reader allowance reset on the 1st of each calendar month or on my subscription "
     "date?", "mcp_quota"),
    ("I pinned the sonnet model to glm-4.5 in Claude Code. How long will GLM-4.5 stay available on the Coding Plan? is "
     "there a retirement date?", "model_included"),
])
def test_a_when_or_next_question_is_not_answered_with_todays_fact(message, never):
    assert intent(message) != never


@pytest.mark.parametrize("message, expected", [
    ("Lite 的联网搜索每个月有几次？是 100 次对吧？", "mcp_quota"),  # a figure confirmed, no date asked
    ("Lite gets 100 searches a month, right? How many does Pro get?", "mcp_quota"),
])
def test_a_figure_confirmed_without_a_date_asked_keeps_its_figure(message, expected):
    assert intent(message) == expected


def test_when_glm5_comes_to_lite_keeps_its_own_answer():
    answer = rules("When will Lite get GLM-5?")
    assert answer is not None and re.search(r"don't give a date", answer.text)


# Stories that ask nothing, answered with the policy they are about
def test_a_renewal_already_charged_gets_the_refund_policy_too():
    answer = rules("+1, same here. Got auto-renewed for another month of Max this morning, I had stopped using it two "
                   "weeks ago and just forgot. $$$ gone.")
    assert answer is not None and answer.trace["intent"] == "renewal"
    assert re.search(r"non-refundable", answer.text) and re.search(r"24 hours", answer.text)


def test_does_it_renew_is_not_told_about_refunds():
    answer = rules("does the plan auto-renew?")
    assert answer is not None and "refundable" not in answer.text


def test_a_refund_after_an_auto_renewal_is_the_refund_question():
    assert intent("I got auto-renewed for Max. can I get a refund?") == "refund"


def test_a_renewal_taken_from_the_balance_is_the_fee_order():
    answer = rules("Renewal this month took $9.40 out of my cash balance (money I had topped up for API experiments) "
                   "instead of charging my PayPal like last month. I did not authorize that.")
    assert answer is not None and answer.trace["intent"] == "fee_order"
    assert re.search(r"credits balance is used first", answer.text) and "z.ai/contact" in answer.text


def test_tool_calls_charged_to_the_balance_are_not_the_fee_order():
    # the plan's calls billed pay-as-you-go: the plan's conditions (tool, endpoint), not the order fees are paid in
    answer = rules("I use TRAE with GLM and have a Lite subscription, but TRAE requests are being charged from my "
                   "account balance (I had $5 topped up and it is now $1.20). Please check my account.")
    assert answer is not None and answer.trace.get("intent") != "fee_order"
    assert re.search(r"coding/paas/v4|Z\.ai-plan", answer.text)


def test_a_plan_shared_with_teammates_gets_the_terms_with_the_drain():
    answer = rules("Max quota reduced without notice\n\nMe and two teammates have been using my Max key from our three "
                   "laptops for the team project. Since yesterday the 5h limit runs out way faster than before.")
    assert answer is not None and re.search(r"single account", answer.text)


def test_an_mcp_quota_used_up_is_answered_with_its_size():
    answer = rules("Web search MCP quota exceeded on Lite after 9 days\n\nweb-search-prime now returns a quota error. "
                   "I'm on Lite since the 1st, used search maybe a hundred times.")
    assert answer is not None and answer.trace["intent"] == "mcp_quota"
    assert re.search(r"\b100\b", answer.text) and re.search(r"month", answer.text)


# The analysis: another account's usage, a server said to work, a guide named in passing
def test_the_usage_of_another_vendors_account_is_not_the_plans_usage():
    message = ("Created a new provider in Goose Desktop with my z.ai key. But chats still go to gpt-4o, I can see it "
               "in the usage of my openai account.")
    assert not analyse(message, SETTINGS.corpus_dir).usage_query
    assert analyse("how can I see my remaining usage?", SETTINGS.corpus_dir).usage_query


def test_an_mcp_server_said_to_work_is_not_the_one_asked_about():
    answer = rules("Goose Desktop: web search works fine as an SSE custom extension. Now the vision one, there's no SSE "
                   "URL for it on your page. What do I put as the command and env vars when adding it?")
    assert answer is not None and "@z_ai/mcp-server" in answer.text and "Z_AI_MODE" in answer.text
    assert "web_search_prime" not in answer.text


@pytest.mark.parametrize("text, is_setup", [
    ("Read the thinking-mode guide: do I have to send clear_thinking myself?", False),
    ("any chance to give me tutorial how to make it work with this studio?", True),
    ("is there a guide for Cline?", True),
    ("怎么把这个公开链接撤掉", False),
    ("怎么接入 Cline", True),
    ("how do I actually switch it to GLM-4.7 inside opencode?", True),
])
def test_a_setup_ask_is_asked_not_named_in_passing(text, is_setup):
    assert bool(SETUP_ASK.search(text)) is is_setup


@pytest.mark.parametrize("message", [
    "I maintain an open-source lib (~9k stars). is there an OSS maintainer program, free Pro or a discount like the "
    "50% first purchase one?",
    "Do you have a free or discounted GLM Coding Plan for open-source maintainers?",
])
def test_a_discount_for_a_group_says_the_docs_name_none(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "special_discount"
    assert re.search(r"don't mention a student, education or other group discount", answer.text)


def test_zread_for_open_source_repositories_is_no_discount_question():
    assert intent("Is the zread MCP for open-source repos included in my plan?") != "special_discount"


def test_an_eperm_install_failure_gets_the_pages_administrator_advice():
    answer = rules("Windows 11, following step 1 of the Claude Code guide:\n```\nC:\\Users\\dev> npm install -g "
                   "@anthropic-ai/claude-code\nnpm ERR! code EPERM\nnpm ERR! Error: EPERM: operation not permitted, "
                   "mkdir 'C:\\Program Files\\nodejs\\node_modules\\@anthropic-ai'\n```")
    assert answer is not None and re.search(r"administrator", answer.text)


def test_two_shared_words_or_one_the_story_lacks_keep_the_rule():
    # the question's only shared word is the story's own: the rule speaks of the story, not of what is asked
    assert not shares_words("这笔余额我用不上，能不能提现退回到原来的信用卡？", "原套餐的剩余价值按比例折算为账户余额",
                            besides="上个月 Lite 升 Pro 的时候，剩余价值折算成了 $18 的账户余额。")
    assert shares_words("现在改计费周期的话是马上切过去还是等包年到期？", "同档位升级（包年 → 包月）要等当前套餐到期后才开始",
                        besides="Max 包年太贵了续不起，想到期后改成 Max 包月。")


def test_is_there_a_problem_leans_on_the_story():
    answer = rules("trying to pay for the coding plan with my visa, it pops up my bank's 3D Secure verification and then "
                   "the payment fails every time. tried 3 times. is there a problem with your payment page?")
    assert answer is not None and re.search(r"3DS", answer.text)


@pytest.mark.parametrize("message", [
    "Upgraded Pro -> Max today, now a random balance appeared\n\nWent from Pro monthly (bought on the 4th) to Max "
    "monthly this afternoon and paid the difference. Now my account shows $17.80 of account balance that was $0 this "
    "morning. I never topped up anything.",
    "【升级后余额变多】\n昨天把 Pro 包月升级成了 Max 包月，付款成功，订阅页已经显示 Max。今天看账户余额莫名多出来十几刀，之前余额是 0。",
])
def test_a_balance_that_appears_after_an_upgrade_is_the_upgrades_remaining_value(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "upgrade_rules"
    assert re.search(r"converted into account balance on a pro-rated basis|按比例折算为账户余额", answer.text)


@pytest.mark.parametrize("message", [
    "Pro monthly is $30 on the pricing page. My bank statement says Z.AI $32.70. Nothing else bought, no top-up, no API "
    "usage, paid by Visa.",
    "Pro monthly renewal shows up as $32.70 on my card statement. The plan is $30. No upgrades, no top-ups.",
])
def test_a_charge_a_little_above_the_price_gets_the_terms_fees_and_taxes(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "above_price"
    assert "any taxes" in answer.text and "z.ai/contact" in answer.text and not re.search(r"\$24\b", answer.text)


def test_two_unrelated_amounts_are_no_tax_story():
    assert intent("I paid $6 for Lite and my friend paid $30 for Pro. Which plan has more prompts?") != "above_price"


def test_a_double_charge_says_the_docs_cannot_settle_it():
    answer = rules("【重复扣款】\n同一天 Pro 包月被 charge 了两次，信用卡账单上两笔 $30，但订阅页只有一个 Pro 订阅。")
    assert answer is not None and re.search(r"文档没有涉及你账户的扣费问题", answer.text) and "z.ai/contact" in answer.text


def test_a_general_endpoint_with_no_documented_tool_says_the_plan_is_for_coding_tools():
    answer = rules("[Bug]: GLM Coding plan uses standard GLM api instead of coding\nActual api base uses "
                   "https://api.z.ai/api/paas/v4 by default. Will 429 error even if credits are available.\n1. purchase "
                   "glm coding\n2. configure in yaml\n3. try using it")
    assert answer is not None and re.search(r"coding/paas/v4", answer.text)
    assert re.search(r"only for use inside supported coding tools", answer.text)


def test_a_named_tool_on_the_general_endpoint_gets_its_own_setting_not_the_tools_lecture():
    answer = rules("I have the coding plan. Cline with base url https://api.z.ai/api/paas/v4 keeps failing.")
    assert answer is not None and "only for use inside supported coding tools" not in answer.text


@pytest.mark.parametrize("message", [
    "Roo Code: GLM-4.7 stops mid-answer, no error at all. Long answers just end in the middle of a code block. where is "
    "the actual reason supposed to show up?",
    "自己写的小脚本用 stream=True 调 glm-4.7，有时候输出到一半就停了，返回里没有任何 error code，HTTP 也是 200。异常原因要去哪看？",
])
def test_an_answer_that_stops_partway_with_no_error_gets_the_finish_reason_note(message):
    answer = rules(message)
    assert answer is not None and "finish_reason" in answer.text and re.search(r"network_error", answer.text)


def test_an_answer_cut_off_for_length_is_no_stream_failure():
    assert rules("How do I increase the output limit in Cline? answers get cut off mid-file") is None


def test_installing_claude_code_with_cursors_help_gets_the_cursor_guided_method():
    answer = rules("not a dev-tools person, never used npm. I have Cursor installed. the Claude Code page says Cursor can "
                   "walk me through installing Claude Code, what exactly do I type into Cursor?")
    assert answer is not None and "Help me install Claude Code" in answer.text
    assert "npm install -g" not in answer.text


def test_installing_claude_code_without_cursor_gets_the_npm_command():
    answer = rules("how do I install Claude Code?")
    assert answer is not None and "npm install -g @anthropic-ai/claude-code" in answer.text


def test_a_tool_both_name_is_no_shared_subject():
    assert not shares_words("Does the Claude Code IDE extension run in Trae?", "Claude Code uses the Anthropic endpoint")


def test_the_five_hour_windows_name_is_no_amount_asked():
    # when the window starts is not in the docs: no quota figure for it
    assert intent("Does the 5 hour window start with my first prompt or at fixed times of day? Trying to plan my work "
                  "sessions on Pro around it.") != "plan_quota"
    assert intent("Is Pro still 400 prompts every 5 hours?") == "plan_quota"


def test_a_reverse_charge_invoice_is_no_refund():
    assert intent("Need invoices with our company name and VAT ID for the Pro subscription (EU company, reverse "
                  "charge). Where do I get them?") != "refund"
    assert intent("I clicked Max annual by mistake. Please reverse it and charge me for Pro monthly instead.") == "refund"


def test_a_purchase_of_another_cycle_not_shown_is_the_same_tier_timing():
    answer = rules("bought Lite annual, still on monthly\nI had Lite monthly (renews Dec 9). Bought Lite annual today to "
                   "save money. My subscription still shows the monthly plan with Dec 9 end date, annual nowhere.")
    assert answer is not None and answer.trace["intent"] == "same_tier_upgrade"
    assert re.search(r"expires", answer.text) and "z.ai/contact" in answer.text


@pytest.mark.parametrize("message, told, asked", [
    ("right, so lite is about 80 every 5h. what about pro?", "~80 prompts", "~400 prompts"),
    ("Max 每 5 小时 1600 次我知道，那 Lite 呢？", "约 1600 次", "约 80 次"),
])
def test_another_plan_asked_after_a_figure_told_is_a_follow_up_to_the_story(message, told, asked):
    # the story is the earlier turn: its figure's rule, with the plan the question names
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "plan_quota", answer
    assert asked in answer.text and told in answer.text


def test_another_plan_asked_after_a_story_with_no_figure_is_no_figure_question():
    assert intent("My friend set up Claude Code with his Lite plan yesterday. what about pro?") != "plan_quota"


def test_the_default_mapping_asked_gets_no_delete_line():
    answer = rules("What does haiku map to by default in Claude Code?")
    assert answer is not None and answer.trace["intent"] == "claude_mapping"
    assert "claude.latest_defaults" not in answer.trace["facts"] and "delete" not in answer.text


def test_two_plans_stacked_into_one_quota_is_no_question_of_when():
    assert intent("Lite 的 80 次不够用，又不想升 Pro。同一个账号买两个 Lite 包月，能叠加成 160 次吗？") not in (
        "same_tier_upgrade", "upgrade_rules")


def test_an_upgrade_between_two_plans_gets_the_cross_tier_rule_alone():
    answer = rules("I'm moving from Lite monthly to Pro monthly, how does that upgrade work?")
    assert answer is not None and re.search(r"immediately", answer.text) and "13 months" not in answer.text


def test_a_payment_that_fails_while_upgrading_is_about_the_failed_payment():
    answer = rules("Card payment fails at bank verification step\nTrying to upgrade from Lite to Pro ($30 monthly). My "
                   "bank pops up the verification window, I approve in the app, then z.ai says payment failed. Tried twice.")
    assert answer is not None and answer.trace["intent"] == "payment_failed" and "3DS" in answer.text
    assert not re.search(r"\$24\b|pro-rated", answer.text)


def test_the_key_prompt_quoted_from_claude_code_gets_the_pages_step():
    answer = rules('settings.json 按文档配好了，第一次在项目里敲 claude，弹出来一句 "Do you want to use this API key?"，我怕是它要'
                   '用别的 key，就选了 No。现在每次都走官方登录。这里应该选哪个？')
    assert answer is not None and re.search(r"选择“Yes”|select \"Yes\"", answer.text)


def test_charged_all_at_once_is_no_concurrency_question():
    assert intent("My balance hasn't moved after 2M tokens on the general API. Worried it'll be charged all at once "
                  "later.") != "rate_limits"
    assert intent("how many requests can I run at once on Pro?") == "rate_limits"


def test_credits_asked_to_be_checked_again_are_an_objection():
    answer = rules("【返利少算了】一个多月前同事用我的邀请链接买了 Max 包季，今天对账才发现返利只给了几块钱，跟 30% 差得很远。想让你们重新核一下。")
    assert answer is not None and answer.trace["intent"] == "referral_objection" and "15" in answer.text


def test_checkout_asking_fifty_cents_after_credits_is_the_minimum_payment():
    answer = rules("用朋友的邀请链接首单买 Lite，账户里还有一些 credits 一起抵，算下来应该只要付 0.2 美元左右，结算页最后却要我付 0.50 美元。")
    assert answer is not None and answer.trace["intent"] == "referral_minimum"


@pytest.mark.parametrize("message, is_delay", [
    ("API balance not moving. Testing glm-5 over the general API all day with maybe 2M tokens. Account balance still "
     "shows exactly $50.00 in the evening.", True),
    ("OpenCode: selected Z.AI and pasted my key. Everything works but it's charging my balance and the subscription "
     "usage doesn't move.", False),
    ("Purchased an API bundle, but account balance shows 0.00 and error 1113 on all requests", False),
])
def test_a_balance_that_has_not_moved_after_api_use_is_the_billing_delay(message, is_delay):
    assert (intent(message) == "billing_delay") is is_delay


def test_credits_saved_for_next_years_renewal_are_the_validity_question():
    answer = rules("这半年邀请朋友攒了 40 多刀 credits，现在 Pro 包年还有 8 个月才到期，打算留到明年续费的时候再一起抵。")
    assert answer is not None and answer.trace["intent"] == "referral_validity" and "长期有效" in answer.text


def test_credits_moved_to_a_relatives_account_are_not_transferable():
    answer = rules("credits 攒了 60 多刀，我自己用不完。我表弟刚买了 Lite 包月，能不能把我的 credits 转到他账号上帮他续费？")
    assert answer is not None and answer.trace["intent"] == "referral_withdraw" and "不能转让" in answer.text


# What the review of this change found: questions asked inside a clause, a "when" beside a figure question, a deal's
# lower price, a file of 200 lines, a refund after a failed payment, Cursor named in passing, a balance beside the quota
@pytest.mark.parametrize("message, wanted", [
    ("我想买 Lite，多少钱", "plan_price"),
    ("刚好用完了额度，Pro 5小时多少次", "plan_quota"),
    ("I'm on Lite, how many prompts do I get on Pro", "plan_quota"),
    ("my boss wants to know the Max price", "plan_price"),
    ("What is the Pro plan price? will I get an email reminder before it renews?", "plan_price"),
    ("How many web searches does Lite get, is it per calendar month?", "mcp_quota"),
    ("I upgraded Lite to Pro and the payment failed but I was still charged. Can I get a refund?", "refund"),
])
def test_a_question_inside_a_story_still_gets_its_rule(message, wanted):
    assert intent(message) == wanted


def test_several_clients_in_a_chinese_story_are_no_question():
    assert intent("我写了个脚本批量起 Claude Code headless 任务，给几个外包客户生成项目代码，跑了一周，今天 Max 的额度上限突然被调低了。") \
        != "plan_quota"


@pytest.mark.parametrize("message", [
    "The Pro plan is $30 per month but my card was charged $27 after the first-purchase deal? why",
    "I was charged $10 and then $12 on my card for Lite that costs $10, what is the second charge?",
])
def test_a_lower_or_second_charge_is_no_tax_story(message):
    assert intent(message) != "above_price"


def test_a_file_of_200_lines_is_no_http_200():
    answer = rules("Claude Code stops midway when writing a file of 200 lines, how do I increase max tokens?")
    assert answer is None or "finish_reason" not in answer.text
    assert "finish_reason" in rules("Kilo Code stops midway, HTTP status 200 and nothing in the logs").text


def test_cursor_named_in_passing_keeps_the_npm_install():
    answer = rules("How do I install Claude Code? I used Cursor before and want to switch.")
    assert answer is not None and "npm install -g @anthropic-ai/claude-code" in answer.text


def test_a_balance_beside_the_plans_used_up_quota_is_no_billing_delay():
    assert intent("My balance still shows $50 after a week of API calls, but my Coding Plan quota is used up. Is the plan "
                  "billed from balance?") != "billing_delay"


def test_the_chinese_branches_of_the_new_billing_intents():
    delay = rules("昨天用脚本调 API 跑了两百万 token，今天看余额一分没少。")
    above = rules("Pro 包月标价 $30，信用卡账单上扣款却是 $32.70。")
    assert delay is not None and "n-1" in delay.text and "处理延迟" in delay.text
    assert above is not None and "税费" in above.text


# --- Probe round 9: the charge as a statement writes it, a question in a clause, one plan or two, when vs how long ---

def test_a_charge_written_without_a_dollar_sign_is_the_taxes_story():
    answer = rules("Billed 33.60 for Lite annual listed at $28 a year? Card statement: Z.AI 33.60 USD, nothing else bought.")
    assert answer is not None and answer.trace["intent"] == "above_price"
    assert "any taxes" in answer.text


def test_a_question_in_a_clause_after_a_statement_is_a_question():
    from helpdesk.message import question_sentences
    assert question_sentences("Upgraded Pro -> Max, where did my Pro days go") == (
        "Upgraded Pro -> Max, where did my Pro days go",)
    assert question_sentences("Upgraded Pro to Max yesterday and all is fine") == ()
    answer = rules("Moved from Pro monthly to Max monthly mid-cycle, where did the rest of my Pro month go\n\n"
                   "Pro started on the 3rd, upgraded on the 18th, Max is active, the Pro days are just gone from the page.")
    assert answer is not None and re.search(r"account balance", answer.text)


def test_a_weekly_bar_that_blocks_is_the_weekly_quota():
    answer = rules("weekly bar full on a Thursday\n\nLite, bought on a Monday. 5h bar is empty but the weekly bar "
                   "is full and I'm blocked. I assumed the week was Monday to Sunday.")
    assert answer is not None and answer.trace["intent"] == "weekly_quota"
    assert re.search(r"7[- ]day|7 days", answer.text)


@pytest.mark.parametrize("message", [
    "今天把 Pro 包季（用了一个月）升级成了 Max 包季，补了差价，Pro 剩下的钱去哪了？",
    "Max annual -> moved up from Pro annual today, where did the Pro money go? Lite was my first plan last year.",
])
def test_two_tiers_are_a_cross_tier_upgrade_whatever_plan_is_named_twice(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] != "same_tier_upgrade"
    assert not re.search(r"同档位升级（|same-tier upgrade \(", answer.text)


@pytest.mark.parametrize("message, first, second", [
    ("【买了包年还显示包月】\nLite 包月还剩十天，又买了 Lite 包年，订阅页还是 Lite 包月。", "包年", "包月"),
    ("Max annual is too expensive, I'll go to Max monthly when it ends. Does the change start now or later?",
     "annual", "monthly"),
])
def test_a_same_tier_answer_names_both_cycles_without_guessing_the_direction(message, first, second):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "same_tier_upgrade"
    assert "→" not in answer.text.split("FAQ")[0] and first in answer.text and second in answer.text
    assert re.search(r"13|12 \+ 1|1 \+ 12", answer.text)


def test_a_time_ago_is_no_delay_between_invite_and_payment():
    answer = rules("Referral shows 12 successful invites, I count 15. I noticed three weeks ago, can you re-check?")
    assert answer is not None and "hours after the invite" not in answer.text
    assert answer.trace["intent"] == "referral_objection" and "15 days" in answer.text
    late = rules("My friend used my link but paid 4 days later. Does the invite still count?")
    assert late is not None and "96 hours" in late.text  # a span between two events is still one
    assert intent("invite count is wrong: the page says 8 friends, my list has 11") == "referral_objection"


@pytest.mark.parametrize("message, code, never", [
    ("Claude Code 报错：\n```\nAPI Error: 429 {\"error\":{\"code\":\"1304\",\"message\":\"该API今日调用次数已达上限\"}}\n```\n"
     "我是 Pro 包月，每 5 小时 400 prompts，窗口才用了一半。这个 1304 到底是什么限制？", "1304", r"400\s*次"),
    ("Got this in OpenCode on my Max annual (the GLM-5 one):\n```\n{\"error\":{\"code\":\"1213\",\"message\":\"prompt "
     "parameter not received properly\"}}\n```\nWhat does this error mean?", "1213", r"3×|3 times"),
    # "why is it saying ...": why the error shows is what it means, not the order fees are deducted in
    ("Cline, base URL https://api.z.ai/api/paas/v4\n```\n{\"error\":{\"code\":\"1113\",\"message\":\"Insufficient "
     "balance or no resource package. Please recharge.\"}}\n```\npaid for Lite an hour ago ($6, got the confirmation email). why is it saying "
     "insufficient balance?? do I seriously need to top up on top of the subscription?", "1113", r"deducted in this order"),
    ("Cherry Studio 里一直报：{\"code\":\"1113\",\"message\":\"余额不足\"}，我明明买了 Pro 套餐，为什么还提示余额不足？要先充值吗？",
     "1113", r"扣除顺序|按以下顺序"),
])
def test_what_an_error_means_is_answered_before_the_storys_plan_facts(message, code, never):
    answer = rules(message)
    assert answer is not None and code in answer.text.split("\n")[0]
    assert not re.search(never, answer.text)


@pytest.mark.parametrize("message", [
    "Pro here. Around 20 prompts ended in 500s last night and the 5h bar still moved. Do errored requests count against "
    "my quota?",
    "Lite 每 5 小时 80 次，Cline 连着报了好几次 1210，这些失败的请求会不会也扣额度？",
    "When a request times out mid-turn and Claude Code retries, does the failed attempt count as a prompt?",
])
def test_whether_failed_requests_count_is_said_to_be_undocumented(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "failed_requests"
    assert re.search(r"docs don't say|文档没有说明", answer.text) and "z.ai/contact" in answer.text
    assert not re.search(r"~?400 prompts|80 次", answer.text)  # the quota's size is not what is asked


@pytest.mark.parametrize("message, kind", [
    ("The help FAQ says cache hits are charged at 1/5 on the API. Does the same apply to the coding plan, i.e. do cached "
     "tokens count less toward my 5h prompt quota?", "cached tokens"),
    ("缓存命中的部分算不算进 5 小时额度？我 80% 都是缓存读取", "缓存命中"),
    ("GLM-4.7 thinks a lot. Do reasoning tokens count differently against my Pro quota?", "reasoning"),
])
def test_whether_a_kind_of_token_counts_less_is_said_to_be_undocumented(message, kind):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "failed_requests" and kind in answer.text, answer
    assert re.search(r"docs don't say|文档没有说明", answer.text) and "z.ai/contact" in answer.text


@pytest.mark.parametrize("message", [
    "How many prompts does Pro get? My cache hit rate is 80%.",  # the size asked; the cache told
    "What's the price of cached input tokens for glm-4.7 on the API?",
    "Lite 套餐每 5 小时多少次？缓存命中率挺高的",
])
def test_a_cache_told_beside_another_question_is_not_the_counting_question(message):
    assert intent(message) != "failed_requests"


@pytest.mark.parametrize("message", [
    "Requests fail with 1308 in Cline, is my quota used up?",
    "How many prompts do I get on Pro? A failed deploy at work cost me the whole afternoon.",
])
def test_a_failure_beside_a_quota_question_is_not_the_failed_requests_question(message):
    assert intent(message) != "failed_requests"


def test_an_auto_renewal_told_with_its_price_is_the_renewal_policy():
    answer = rules("【没想到会自动续费】\n上个月买了 Pro 包月 $30 想试试，以为到期就结束了，今天又扣了一个月。")
    assert answer is not None and answer.trace["intent"] == "renewal"
    assert "24" in answer.text
    # a cancelled renewal that still charged is the deadline's story, not "does it renew?"
    assert intent("Cancelled my Pro auto-renewal last night, the renewal went through this morning anyway, $30 gone.") \
        == "cancel_deadline"


def test_a_friends_refund_the_next_day_is_the_24_hour_rule():
    answer = rules("【返利作废了】\n同事用我的邀请链接买了 Pro 包月，隔天就申请退了，我的邀请记录显示失效。")
    assert answer is not None and answer.trace["intent"] == "referral_qualifies"
    assert re.search(r"24 小时内退款", answer.text)


def test_credits_taken_first_for_glm5_on_the_general_api_is_that_calls_order():
    answer = rules("【GLM-5 先扣了积分】\nLite 用户，按 FAQ 用通用 API（https://api.z.ai/api/paas/v4/chat/completions）调 GLM-5，"
                   "结果先扣的是我攒的 credits，不是余额，我本来想留着 credits 续费。")
    assert answer is not None and answer.trace["intent"] == "fee_order"
    assert "Platform Credits - Account Balance" in answer.text
    assert "通用接口地址（" not in answer.text  # the FAQ's own path for Lite is no misconfigured endpoint


def test_a_relay_left_behind_is_no_off_plan_use():
    answer = rules("原来 ~/.claude/settings.json 里 ANTHROPIC_BASE_URL 写的是别家中转，今天改成了 "
                   "https://api.z.ai/api/anthropic，但 claude 请求还是打到旧的中转上。改完配置要怎么才能生效？")
    assert answer is not None and "terms" not in answer.trace["diagnosis"]
    assert re.search(r"关闭所有 Claude Code 窗口|新的终端", answer.text)
    assert "terms" in rules("想搭个中转把 coding plan 的 key 分给朋友用，可以吗？").trace["diagnosis"]


@pytest.mark.parametrize("message", [
    "Which Claude Code version has z.ai verified with the anthropic endpoint? IT pins our tools and I'm on 1.0.80.",
    "我们团队想统一锁一个 Claude Code 版本，官方验证过哪个版本？",
])
def test_a_version_asked_is_no_rule_whose_answer_names_none(message):
    assert rules(message) is None  # retrieval quotes the page's "verified compatibility with Claude Code 2.0.14"


def test_a_version_asked_keeps_a_rule_that_gives_one():
    answer = rules("Which Node.js version does the vision MCP server need?")
    assert answer is not None and re.search(r"Node\.js 22", answer.text)


def test_a_chinese_when_for_glm5_on_lite_says_the_docs_give_no_date():
    answer = rules("Lite 用户，FAQ 说 Lite 之后也会支持 GLM-5，具体哪天开放？")
    assert answer is not None and answer.trace["intent"] == "models"
    assert "文档没有写明 Lite 开放 GLM-5 的日期" in answer.text and "z.ai/contact" in answer.text


def test_where_to_see_earned_credits_is_the_faqs_answer_whatever_the_story():
    answer = rules("My colleague paid through my referral link within 72 hours, so by the 30% rule I should have credits "
                   "by now. Where exactly can I see the credits I earned?")
    assert answer is not None and answer.trace["intent"] == "referral_view"
    assert "Transaction History" in answer.text and "72" not in answer.text
    # when they expire is the validity rule's question, wherever it is looked up
    assert intent("Where do I check when my invite credits expire?") == "referral_validity"


def test_a_question_asking_no_figure_takes_none_from_the_storys_price():
    assert intent("I'm on NixOS without Homebrew, bought Lite monthly ($6) yesterday. How do I install crush with nix "
                  "on my machine?") != "plan_price"
    # a short question leaning on the story still asks about its figure
    leaning = rules("I read somewhere that Pro is 600 prompts per 5 hours. Correct?")
    assert leaning is not None and leaning.trace["intent"] in ("plan_quota", "grandfathering") and "400" in leaning.text


def test_the_price_asked_is_not_an_upgrade_cost_made_from_the_storys_prices():
    answer = rules("Max price?\n\nLite is $6/month and Pro $30 per your upgrade example. What does Max monthly cost? I want "
                   "to budget before upgrading.")
    assert answer is not None and answer.trace["intent"] == "plan_price"
    assert "Upgrading Max" not in answer.text
    # the cost of an upgrade asked after its story is still that
    assert intent("I've used 15 days of a 30-day Lite monthly cycle and upgrade to Pro monthly now. What do I pay?") \
        == "upgrade_cost"


def test_where_to_recharge_the_balance_is_the_billing_page_not_more_quota():
    answer = rules("Lite user calling GLM-5 on the general endpoint as the FAQ says. Balance is $0, I get 1113. Where do "
                   "I top up?")
    assert answer is not None and answer.trace["intent"] == "recharge"
    assert "manage-apikey/billing" in answer.text.split("\n")[0]


def test_a_figure_heard_elsewhere_told_to_be_checked_gets_the_current_one():
    answer = rules("【Pro 额度不对】\n网上教程都说 Pro 每 5 小时 600 次，我用到四百来次就 1308 了。")
    assert answer is not None and answer.trace["intent"] == "plan_quota" and "400" in answer.text
    # a percentage a plugin says is no figure heard to be checked
    assert intent("The subscription page shows 35% of my 5-hour quota used while the plugin says 60% right now.") \
        != "plan_quota"


def test_a_chinese_renewal_told_as_renewed_again_is_the_renewal_policy_and_a_store_purchase_its_policies():
    answer = rules("【包年到期又扣了一年】\nMax 包年上周到期，今天收到扣款通知，又续了一整年。")
    assert answer is not None and answer.trace["intent"] == "renewal" and "24" in answer.text
    store = rules("我是在 iPhone 上通过 App Store 订的 Lite 包月，昨天又续了一个月，网页订阅页找不到退款入口。")
    assert store is not None and "分销商的政策" in store.text


@pytest.mark.parametrize("message", [
    "My colleague, who is on Max, gets 1600 prompts per 5 hours and never hits it.",
    "Just reporting: my Lite plan, which has 80 prompts every 5 hours, reset late today.",
])
def test_a_relative_clause_is_no_question(message):
    from helpdesk.message import question_sentences
    assert question_sentences(message) == ()
    assert intent(message) != "plan_quota"


def test_a_count_on_ones_own_screen_is_no_figure_heard_elsewhere():
    assert intent("My usage page says 350 prompts used in the current 5 hour window on my Pro plan, but I only sent "
                  "about 40 messages.") != "plan_quota"
    heard = rules("网上教程都说 Pro 每 5 小时 600 次，我用到四百来次就 1308 了。")
    assert heard is not None and heard.trace["intent"] == "plan_quota" and "400" in heard.text


@pytest.mark.parametrize("message, never", [
    ("Failed requests eat my quota so fast. How many prompts does Max have per 5 hours?", "failed_requests"),
    ("Do failed requests get billed on the pay-as-you-go API? I'm not on a plan.", "failed_requests"),
    ("Where do I check when my invite credits expire?", "referral_view"),
    ("How do I recharge my Lite plan when it runs out?", "recharge"),
    ("Pro 用户，用 GLM-5 的时候是先扣积分还是先扣余额？", None),
])
def test_new_rules_stay_out_of_their_neighbours_questions(message, never):
    answer = rules(message)
    if never is None:  # Pro includes GLM-5: the Lite path's API order is not the answer
        assert answer is None or "Lite 用户通过通用 API" not in answer.text
    else:
        assert answer is None or answer.trace["intent"] != never


def test_an_error_beside_another_question_does_not_take_it_over():
    answer = rules("Claude Code shows error 1302 today. What's the status of the Pro plan's GLM-5 access, does Pro "
                   "include GLM-5?")
    assert answer is not None and re.search(r"GLM-5", answer.text.split("\n")[0])


def test_a_model_version_asked_keeps_the_models_rule():
    assert intent("What model version does the Pro plan give me?") is not None


def test_the_rules_answer_in_the_messages_language():
    answer = rules("Claude Code with the 智谱 provider fails with error 1113 on my Lite plan. How many prompts does Lite "
                   "get per 5 hours?")
    assert answer is not None and not re.search(r"[\u4e00-\u9fff]", answer.text)


def test_a_version_asked_beside_a_told_failure_keeps_its_diagnosis():
    answer = rules("Windows: ran setx for both vars, then claude in the same cmd window. It still asks me to log in. "
                   "Which Claude Code version do you test with?")
    assert answer is not None and "A new window is required" in answer.text


# --- session 19: a shared session, a figure changed since purchase, Chinese referral and fee-order asks -----------

@pytest.mark.parametrize("message", [
    "I shared a Crush chat link with my teammate yesterday. How do I revoke that link?",
    "我把 opencode 的会话分享给同事看了，怎么撤销这个分享链接？",
])
def test_a_shared_session_or_link_is_no_shared_plan(message):
    assert intent(message) != "personal_plan"


def test_sharing_the_plan_itself_is_still_the_personal_plan_rule():
    assert intent("Can I share my Pro plan with two coworkers?") == "personal_plan"


@pytest.mark.parametrize("message", [
    "When I bought Max the page said ~2400 prompts, now the FAQ lists ~1600. Is my current term cut as well?",
    "我年初订阅的时候写的是每 5 小时 600 次，现在 FAQ 改成 400 了，我的额度也会被砍吗？",
])
def test_a_quota_changed_since_purchase_is_what_subscribers_keep(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "grandfathering"
    assert re.search(r"unchanged|保持", answer.text)


def test_a_friend_paying_with_ones_link_in_chinese_is_a_referral_question():
    answer = rules("同事用我的邀请码买了 Pro，付了 27 刀，三天了积分还没到账，正常吗？")
    assert answer is not None and answer.trace["intent"] == "referral_issuing" and "72" in answer.text


def test_which_source_pays_first_beats_the_reward_and_a_first_order_is_no_deduction_order():
    first = rules("下个月自动续费时我有 5 刀积分、10 刀余额，还绑了信用卡，会先扣哪个？")
    assert first is not None and first.trace["intent"] == "fee_order" and "先用积分" in first.text
    reward = rules("My friend paid 30 USD for their first order through my link. How many credits do I get?")
    assert reward is not None and reward.trace["intent"] == "referral_reward"


def test_the_questions_own_intent_beats_an_endpoint_read_from_the_tool_in_its_story():
    answer = rules("How large is GLM-4.7's context window on the coding endpoint? Claude Code compacts the chat too "
                   "often.")
    assert answer is not None and answer.trace["intent"] == "context_window" and "200K" in answer.text


@pytest.mark.parametrize("message", [
    "Lite here. Is there any way to use GLM-5 without upgrading?",
    "我是 Lite 用户，有没有什么办法能用上 GLM-5？愿意额外付费",
])
def test_a_way_to_glm5_on_lite_is_the_general_api(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "models"
    assert "api.z.ai/api/paas/v4" in answer.text


def test_when_a_new_plan_starts_and_what_happens_to_the_old_ones_days_are_the_upgrade_rules():
    answer = rules("Two weeks into Lite monthly, I want to jump to Pro today. Do I lose the rest of Lite, and does Pro "
                   "start now or when Lite ends?")
    assert answer is not None and re.search(r"immediately", answer.text)


@pytest.mark.parametrize("message, store", [
    ("I bought the plan through the Google Play store and want my money back. Who handles that?", True),
    ("在苹果 App Store 订阅的 Lite，想退款怎么办？", True),
    ("Can I get a refund for my Lite plan?", False),
])
def test_a_refund_of_a_store_purchase_is_the_distributors(message, store):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "refund"
    assert ("distributor" in answer.text) == store


@pytest.mark.parametrize("message", [
    "My friend clicked my referral link and then another creator's link before paying. Who gets the credits?",
    "朋友先点了别人的邀请链接，又点了我的，奖励算谁的？",
])
def test_several_inviters_links_get_the_last_touchpoint_rule(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "referral_attribution"
    assert re.search(r"last valid touchpoint|最后一个有效", answer.text)


def test_one_link_shared_asks_no_attribution():
    assert intent("Can my friend use my referral link and get 10% off?") != "referral_attribution"


@pytest.mark.parametrize("message", [
    "I'm on Lite and also pay-as-you-go for a side project. Do we additionally pay for storing the cache per hour?",
    "We'd like to try the GLM Slide/Poster Agent for sales decks. What's its price?",
])
def test_the_price_of_something_else_than_the_plan_is_no_plan_price(message):
    assert intent(message) != "plan_price"


def test_the_plans_own_price_is_still_asked_beside_other_words():
    assert intent("What's the price of the Pro plan per month?") == "plan_price"


def test_a_subscription_moved_to_a_new_account_is_the_one_account_rule_not_an_upgrade():
    answer = rules("I bought Max annual on my personal account. Can you move my remaining Max subscription over to my "
                   "new work account?")
    assert answer is not None and answer.trace["intent"] == "personal_plan" and "tied to" in answer.text


def test_glm5_not_used_after_an_upgrade_in_chinese_is_set_by_hand():
    answer = rules("升级到 Max 了，Max 不是支持 GLM-5 吗，为什么 claude code 里还是 4.7？是不是默认自动切到 5 了")
    assert answer is not None and answer.trace["intent"] == "glm5_switch" and "手动" in answer.text


def test_one_prompt_or_a_dozen_in_chinese_is_what_a_prompt_counts():
    answer = rules("Pro 用户，Claude Code 一个任务来回调了二十几次工具，这算 1 次 prompt 还是二十几次？")
    assert answer is not None and answer.trace["intent"] == "model_calls" and re.search(r"15.20", answer.text)


def test_a_per_million_token_price_written_yi_bai_wan_is_the_api_price():
    answer = rules("Pro 额度用完了，想临时走通用 API，glm-4.7 输出 token 多少钱一百万？")
    assert answer is not None and answer.trace["intent"] == "api_cost" and "$2.2 " in answer.text.replace("（", " ").replace("，", " ")


@pytest.mark.parametrize("message", [
    "Will you give early Lite subscribers a discount to upgrade to Pro when GLM-5 comes to every plan?",
    "lite 升 max 以后，这 5 小时已经用掉的次数会清零吗",
    "Is Max actually faster than Lite, like queue priority, or only the bigger quota? Thinking of upgrading for speed.",
])
def test_what_an_upgrade_rule_does_not_settle_is_not_answered_with_it(message):
    assert intent(message) not in ("upgrade_rules", "plan_ratio")


def test_a_plain_upgrade_question_keeps_the_upgrade_rule():
    assert intent("Does an upgrade from Lite to Pro take effect right away?") == "upgrade_rules"


@pytest.mark.parametrize("message, must", [
    ("Our EU company needs invoices with the company name and VAT ID for the Pro plan. Where do I get them?",
     r"don't mention issuing invoices"),
    ("公司要买 3 个 Pro 包年，只能对公转账，编码套餐支持吗？", r"文档没有提到对公转账"),
])
def test_a_billing_capability_the_docs_lack_is_said_to_be_missing(message, must):
    answer = rules(message)
    assert answer is not None and re.search(must, answer.text), answer


# --- the reviewer's near-misses for this session's rules ------------------------------------------------------------

@pytest.mark.parametrize("message", [
    "If I sign up through my friend's referral link, do I get credits too?",
    "Can I share another link with my friend so he gets credits?",
    "我可以用别人的邀请码注册吗？",
    "别人的邀请链接打不开怎么办？",
])
def test_one_inviters_link_is_no_attribution_question(message):
    assert intent(message) != "referral_attribution"


@pytest.mark.parametrize("message, never", [
    ("Pro 用 GLM-5 好还是 4.7 好？", "glm5_switch"),
    ("能把积分转账给朋友吗？", "billing_pages"),
])
def test_or_and_a_credit_transfer_are_not_this_sessions_new_readings(message, never):
    assert intent(message) != never


def test_a_plan_price_asked_beside_coding_agents_is_still_the_plan_price():
    assert intent("How much is Pro per month? I'd use it with my coding agents.") == "plan_price"


def test_a_refund_said_not_to_be_through_a_store_is_the_no_refund_rule():
    answer = rules("I didn't buy through an app store, I paid on z.ai with my card. Can I get a refund?")
    assert answer is not None and "distributor" not in answer.text and "non-refundable" in answer.text


@pytest.mark.parametrize("message", [
    "邀请活动攒了 $37 credits。Can I cash out to PayPal? 不能提现的话，能拿来付 API 调用费吗？",
    "Got $21 in credits from inviting friends. Can I cash out to PayPal?",
])
def test_a_withdrawal_asked_of_the_credits_told_is_the_credits_withdrawal(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "referral_withdraw", answer


@pytest.mark.parametrize("message", [
    "Got $21 in credits from inviting friends. Which payment methods can I use for my renewal, is PayPal ok?",
    "攒了 $37 credits。续费能用 PayPal 付吗？",
])
def test_a_payment_method_asked_after_a_story_of_credits_is_still_billing(message):
    assert intent(message) == "billing_pages"


def test_an_upgrade_one_will_not_make_is_no_upgrade_question_in_chinese():
    answer = rules("Lite 什么时候能用 GLM-5？给个大概时间呗，要是下个月就有我就不升 Max 了")
    assert answer is not None and answer.trace["intent"] == "models" and "日期" in answer.text


@pytest.mark.parametrize("message", [
    "Lite annual here. When exactly is GLM-5 coming to Lite, any ETA? If it's months away I'll upgrade to Pro, but not "
    "for $30/mo if it lands next week.",
    "On Lite monthly. Is there a date for GLM-5 on Lite? If not soon I'd just upgrade to Pro.",
])
def test_an_upgrade_told_as_a_plan_is_no_upgrade_question_when_the_question_reads_as_another(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "models" and "date" in answer.text, answer


def test_the_remainder_of_a_plan_asked_after_an_upgrade_is_still_the_upgrades_to_work_out():
    answer = rules("上周买的 Pro 包月，用了 10 天觉得不够，今天点了升级 Max 包月。我原来 Pro 剩下那 20 天的钱到底去哪了？")
    assert answer is not None and answer.trace["intent"] in ("upgrade_cost", "upgrade_rules"), answer


@pytest.mark.parametrize("message", [
    "Does the coding-helper set up Goose too, or which tools can it configure?",
    "chelper 支持哪些编程工具？",
])
def test_which_tools_the_coding_helper_configures_is_its_pages_list(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "coding_helper"
    assert all(tool in answer.text for tool in ("Claude Code", "OpenCode", "Crush", "Factory Droid"))


def test_what_the_coding_helper_does_keeps_its_short_answer():
    answer = rules("what does npx @z_ai/coding-helper do?")
    assert answer is not None and "detects, installs and configures" in answer.text


# --- probe round 14 ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("message", [
    "有没有办法在 Claude Code 里直接看我还剩多少额度？老开网页太麻烦",
    "怎么知道这 5 小时还剩几次？",
])
def test_how_much_is_left_in_chinese_is_a_way_to_read_usage(message):
    assert intent(message) == "usage_check"


def test_news_seen_about_the_quota_is_no_usage_question():
    answer = rules("去年 12 月买的 Max 包年，开了自动续费。看到新闻说额度都调整了，那我续费的时候额度会不会变？")
    assert answer is not None and answer.trace["intent"] != "usage_check"


@pytest.mark.parametrize("message", [
    "朋友用我的链接买了 Pro，原价 $30，打完折又用了积分，最后付了 $11。我的返利是按 $30 算还是按他实际付的算？",
    "My friend bought Pro ($30 list) with the first-order discount and some credits. Is my reward based on the list "
    "price or on what he actually paid?",
    "朋友通过我的 invite link 买了 Pro 月付，原价 $30，首单 5 折，再加 referral 的额外 9 折，然后他还用了 $2 credits 抵扣。我的返利是"
    "按哪个金额算的？$30 还是他实际付的？",
])
def test_which_amount_a_reward_is_computed_on_is_the_definition_not_a_sum(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "referral_reward"
    assert not re.search(r"\$9(?!\d)", answer.text) and re.search(r"不含|after discounts and credits", answer.text)


@pytest.mark.parametrize("message, must", [
    # a price at n tenths ("5 折" is half price, "85 折" 15% off), one amount said twice once
    ("朋友用我的链接买了 Pro 月付，原价 $30，首单 5 折，再打 9 折，还用了 $2 credits。我能拿多少返利？", "$3.45"),
    ("原价 $30 的 Pro，朋友用我的链接打了 85 折买的，我返利多少？", "$7.65"),
])
def test_a_discount_in_tenths_is_taken_off_before_the_reward(message, must):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "referral_reward" and must in answer.text, answer


@pytest.mark.parametrize("message", [
    "朋友昨晚用我的邀请链接买了 Pro 月付（他说打完折付了 $20 出头），我这边的 credits 啥时候到账？已经过去 20 个小时了还没动静",
    "My friend paid $27 for Pro with my link yesterday. When will the credits show up?",
])
def test_when_credits_arrive_asked_in_so_many_words_is_their_issuing_whatever_the_story_paid(message):
    assert intent(message) == "referral_issuing"


@pytest.mark.parametrize("message, expected", [
    ("朋友用我的链接付了 $30，我能拿多少返利？什么时候到账？", "referral_reward"),  # the amount asked first
    ("同事用我的链接注册，差不多 80 个小时之后才付款，credits 什么时候到账？", "referral_qualifies"),  # a late payment told
])
def test_an_amount_or_a_late_payment_beside_when_credits_arrive_keeps_its_rule(message, expected):
    assert intent(message) == expected


def test_a_friends_stated_payment_still_gets_its_reward_computed():
    answer = rules("My friend paid $20 for his first order through my link. How much do I get?")
    assert answer is not None and "$6" in answer.text


@pytest.mark.parametrize("message, expected", [
    ("My friend paid for Pro with my invite link on March 2 but no credits ever came. I only noticed today, April 1, "
     "going through my billing page. Is it too late to raise it with you?", "referral_objection"),
    ("I have 31 USD of invite credits from 9 friends and I'm shutting my company down next month. Can I cash the "
     "credits out or move them to my partner's account?", "referral_withdraw"),
    ("Friend's first Lite order: 3 USD after the promo, he had 2.80 USD in credits and the 10% invite discount, so it "
     "should be about zero, but checkout asked him for 0.50 USD. Bug?", "referral_minimum"),
])
def test_a_bare_question_after_a_story_is_about_that_story(message, expected):
    assert intent(message) == expected


def test_a_bare_question_after_figures_gets_no_figure_rule():
    assert intent("Max plan, I used about 1600 prompts in the last 5 hours on a big refactor and GLM-4.7 is getting "
                  "slower in the evenings, and my teammate on Pro sees the same. Normal?") not in (
        "plan_quota", "plan_price", "api_cost")


def test_prompts_counted_are_no_prompt_tokens():
    from helpdesk.rules.understand import _tokens
    assert _tokens("i used about 1600 prompts on glm-4.7") == {}
    assert _tokens("2000 prompt tokens and 500 completion tokens") == {"input": 2000, "output": 500}


@pytest.mark.parametrize("message", [
    "My wife signed up with my invite link on our home wifi and she paid with my card. She got the 10% off, I got no credits. Why?",
    "我弟用我的邀请链接注册买了 Lite，在同一台电脑上操作的，结果我没拿到返利，为啥",
])
def test_an_invitee_on_the_inviters_network_or_card_is_the_same_user_rule(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "referral_self"
    assert re.search(r"may be deemed the same user", answer.text)


def test_the_inviters_own_card_charged_at_renewal_is_no_shared_environment():
    assert intent("Renewal charged my card the full $30 and my $12 invite credits are untouched. Why weren't the "
                  "credits used?") != "referral_self"


def test_a_friend_paying_days_after_registering_is_a_question_of_the_window():
    answer = rules("My friend registered with my link on Monday and only paid on Thursday night, about 80 hours later. "
                   "Still no credits. Is it the timing?")
    assert answer is not None and answer.trace["intent"] == "referral_qualifies" and "80 hours" in answer.text


@pytest.mark.parametrize("message", [
    "Our DPO asks: in which country is our data processed, and which legal entity is the controller?",
    "公司要填数据出境评估表：你们的数据主要在哪个国家处理？运营主体是哪家公司？",
])
def test_where_data_is_processed_is_the_privacy_policys_singapore(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "data_location"
    assert "Singapore" in answer.text and "JINGSHENG HENGXING" in answer.text


def test_storage_and_hosting_asked_together_get_both_in_that_order():
    answer = rules("Do you store the code we send through the Coding Plan? And where are your services hosted?")
    assert answer is not None and answer.trace["intent"] == "data_use"
    assert answer.text.index("do not store") < answer.text.index("Singapore")


def test_glm5s_per_token_price_is_said_to_be_missing_from_the_pricing_page():
    answer = rules("What's GLM-5's per-1M-token input and output price?")
    assert answer is not None and answer.trace["intent"] == "api_cost" and "don't say its price" in answer.text


def test_which_claude_code_variable_to_point_at_glm5_is_the_switch_by_hand():
    answer = rules("Max yearly here. Which of the ANTHROPIC_DEFAULT_* vars should point at glm-5?")
    assert answer is not None and answer.trace["intent"] == "glm5_switch"
    assert "ANTHROPIC_DEFAULT_OPUS_MODEL" in answer.text


def test_an_upgrades_remaining_value_is_converted_into_account_balance_in_the_faqs_words():
    answer = rules("I bought Lite monthly 10 days ago and want to upgrade to Pro monthly now. How much do I pay?")
    assert answer is not None and "converted into account balance on a pro-rated basis" in answer.text


def test_an_mcp_servers_url_is_no_question_of_where_data_is_processed():
    assert intent("Where is the Web Search MCP server hosted, which URL?") != "data_location"


def test_setting_the_helpers_key_without_the_wizard_is_its_direct_auth_command():
    answer = rules("Can coding-helper take the key in one command instead of the interactive wizard? It goes in our "
                   "dotfiles script. And how do I make Claude Code reload the new config afterwards?")
    assert answer is not None and answer.trace["intent"] == "coding_helper"
    assert "coding-helper auth glm_coding_plan_global <token>" in answer.text and "auth reload claude" in answer.text


def test_where_the_helper_stores_the_key_is_not_answered_with_its_auth_command():
    assert intent("coding-helper 把 API key 存在本地哪个文件？我想在 CI 上提前写好，免得每次走交互") != "coding_helper"


# --- the reviewer's near-misses for round 14's rules -----------------------------------------------------------------

@pytest.mark.parametrize("message, never", [
    ("Where is my API key stored after I log in with Claude Code?", "data_location"),
    ("Where are the Claude Code settings files located on Windows?", "data_location"),
    ("Where can I see what my quota is based on?", "data_location"),
    ("Which company's model is GLM-4.7 based on, is it Zhipu?", "data_location"),
    ("I run coding-helper in our CI and it says my API key is invalid. Why?", "coding_helper"),
    ("Does the coding helper automatically update my API key in Cline too?", "coding_helper"),
    ("Which of the plans can use GLM-5 right now?", "glm5_switch"),
    ("How many million tokens of context does GLM-5 support?", "api_cost"),
    ("I referred my brother last month and got the credits. We now share the same laptop at home, can he and I use "
     "one Pro plan on it?", "referral_self"),
    ("看到还剩多少次的时候已经晚了，为什么额度用得这么快？", "usage_check"),
    ("If I turn off auto-renew, will my quota stay the same until the end of this cycle?", "grandfathering"),
])
def test_round_14s_triggers_leave_their_near_misses_alone(message, never):
    assert intent(message) != never


def test_a_friend_who_paid_soon_after_joining_is_still_asked_where_the_credits_are():
    assert intent("My friend paid 2 hours after registering with my link, it's been 5 days and still no credits for "
                  "me. Where are they?") == "referral_issuing"


@pytest.mark.parametrize("message, expected", [
    ("I want to subscribe to Max for my side project, planning to use it with Cline every day. Price?", "plan_price"),
    ("Pro gives about 400 prompts every 5 hours according to the FAQ, and I mostly do small refactors in Claude Code. "
     "Is that enough?", "plan_quota"),
])
def test_a_short_question_naming_its_subject_or_after_no_complaint_keeps_its_figure(message, expected):
    assert intent(message) == expected


def test_an_invitee_on_the_same_office_network_is_the_same_user_rule():
    answer = rules("My colleague signed up with my invite link from the same office network and paid for Lite. "
                   "I got no credits. Why?")
    assert answer is not None and answer.trace["intent"] == "referral_self"


# --- round 15, read as development this session --------------------------------------------------------------------

@pytest.mark.parametrize("message, never", [
    # a question that takes its plan from the story asks a price only in words of its own
    ("Max renews next week ($80-something). I have $3 in credits and some cash balance. Which one is charged first?",
     "plan_price"),
    ("My colleague joined through my link and picked Pro, he had $29 in credits. Is there a minimum he has to pay?",
     "plan_price"),
    # "取消了 Support Images" unticks a setting; it cancels no subscription
    ("Cline 里我取消了 Support Images，Context Window Size 应该填多少？", "cancel_deadline"),
    ("Roo Code 里取消勾选了 Enable Thinking 之后还是很慢，正常吗？", "cancel_deadline"),
    # how many keys one may create asks no prompt quota
    ("一个账号最多能建多少个 API key？每个 key 的套餐用量能分开看吗", "plan_quota"),
    ("How many API keys can one account create on the Lite plan?", "plan_quota"),
    # a team that asks is who wants to know, not who shares
    ("Our security team asks: can the code we send through the coding plan be processed outside the EU?",
     "personal_plan"),
    # money going somewhere after the lower plan is named is no move to it
    ("Max has been active since Monday, but where did my Pro money go? I see nothing on my card.", "downgrade"),
])
def test_round_15s_stories_ask_no_rule_their_words_trigger(message, never):
    assert intent(message) != never


@pytest.mark.parametrize("message, expected", [
    ("Pro renews on the 3rd. I have $2 in referral credits, $8 of cash balance and a card linked. Which gets charged "
     "first?", "fee_order"),
    ("My friend used my invite link for Lite and had a few dollars of credits from an event. Is there a minimum he "
     "has to pay?", "referral_minimum"),
    ("Does the 5h window start counting from my first prompt, or are there fixed blocks?", "quota_reset"),
    ("Upgraded Pro → Max on day 20. Max works, but where did the rest of my Pro money go?", "upgrade_rules"),
    ("公司代码会不会被你们存下来？", "data_use"),
])
def test_round_15s_questions_get_their_own_rule(message, expected):
    assert intent(message) == expected


def test_data_sent_abroad_gets_the_policys_transfer_sentence():
    answer = rules("Compliance asks: can data I send through the coding plan be transferred or processed outside the "
                   "country where I live?")
    assert answer is not None and answer.trace["intent"] == "data_location"
    assert "outside the jurisdiction in which you reside" in answer.text and "privacy.transfer" in answer.trace["facts"]


def test_a_refund_asked_after_a_store_purchase_told_in_the_story_gets_the_distributors_terms():
    answer = rules("I bought the plan through an app store listing and the receipt is from the store. Your FAQ says "
                   "non-refundable — does that apply to me too, or who handles it?")
    assert answer is not None and "distributor" in answer.text


def test_a_refund_after_a_late_cancellation_gets_the_24_hour_rule():
    answer = rules("I cancelled auto-renew at 11pm but still got charged for Pro this morning. Can I get a refund?")
    assert answer is not None and answer.trace["intent"] == "refund"
    assert "non-refundable" in answer.text and "24 hours before" in answer.text
    plain = rules("Can I get a refund for Pro? I haven't used it much.")
    assert plain is not None and "24 hours" not in plain.text


@pytest.mark.parametrize("message", [
    "Switched Opus to glm-5 on Monday. Now I'm out after ~60 minutes of the same work. Something's off with the "
    "counting on your side.",
    "Max 用户，切到 GLM-5 之后半天额度就见底了，以前用 4.7 一天都用不完。",
])
def test_a_quota_drain_after_switching_to_glm5_leads_with_its_rate(message):
    answer = rules(message)
    assert answer is not None and answer.trace["layer"] == "troubleshoot"
    first = answer.text.splitlines()[0]
    assert "GLM-5" in first and "3" in first


@pytest.mark.parametrize("message", [
    "We're 3 freelancers. I bought Pro and want to put the same API key into the Cline of my 2 devs. Is that OK or "
    "will you ban us?",
    "我们工作室 3 个人想共用一个 API key，买一个 Max 大家一起用，会不会被封？",
])
def test_one_key_for_several_people_gets_the_terms_no_sharing_sentence_first(message):
    answer = rules(message)
    assert answer is not None and "You shall not share your account or subscription" in answer.text.splitlines()[0]
    assert "sub.no_transfer" in answer.trace["facts"]


def test_a_ban_asked_about_with_no_sharing_gets_no_sharing_sentence():
    answer = rules("My account got locked with error 1121 after a long agent run. Will I get banned permanently?")
    assert answer is not None and "You shall not share" not in answer.text


def test_hosting_asked_first_comes_first_and_is_said_once():
    answer = rules("z.ai 的服务在哪个国家？我们写进去的 prompt 会不会被存下来？")
    assert answer is not None and answer.text.index("新加坡") < answer.text.index("not store")
    assert answer.text.count("JINGSHENG") == 1


def test_own_code_sending_the_key_without_bearer_gets_the_api_references_header():
    message = ("Calling the general API from my own script:\n\nrequests.post('https://api.z.ai/api/paas/v4/chat/completions', "
               "headers={'Authorization': KEY}, json=body)\n\n{\"error\":{\"code\":\"1002\",\"message\":\"Authorization "
               "Token is invalid\"}}\n\nWhat does 1002 mean?")
    answer = rules(message)
    assert answer is not None and "Authorization: Bearer ZAI_API_KEY" in answer.text and "api.bearer" in answer.trace["facts"]
    fixed = rules(message.replace("'Authorization': KEY", "'Authorization': 'Bearer ' + KEY"))
    assert fixed is not None and "api.bearer" not in fixed.trace["facts"]


def test_a_parameter_error_naming_none_gets_the_line_of_each_parameter_set():
    answer = rules("Own script on the general API with glm-4.7: temperature=1.5 and top_p=0 gave a 400 with code 1214. "
                   "What ranges are allowed?")
    assert answer is not None and "`temperature` (number)" in answer.text and "`top_p` (number)" in answer.text


def test_the_coding_endpoint_named_in_words_while_slow_is_an_incident_not_a_base_url_fix():
    answer = rules("Since this morning everything on the coding endpoint is super slow in Claude Code, first token takes "
                   "a minute. Is there a status page?")
    assert answer is None  # (the incident answer follows: no page covers the service's speed)


@pytest.mark.parametrize("message, provider", [
    ("Set up TRAE with my Pro sub, picked provider Z.ai and GLM-4.7. Works, but my account balance dropped from $15.00 to "
     "$11.37 and billing history shows glm-4.7 charges. I thought the plan covers it?", "Z.ai-plan"),
    ("OpenCode 里 auth login 选了 Z.AI，用了两天发现余额从 $20 掉到 $9，套餐用量几乎没动，怎么回事", "Z.AI Coding Plan"),
])
def test_a_balance_charged_in_a_tool_with_a_plan_provider_gets_that_provider(message, provider):
    answer = rules(message)
    assert answer is not None and provider in answer.text
    assert "usage conditions" not in answer.text and "使用条件" not in answer.text


def test_lite_calling_glm5_on_the_general_api_is_no_plan_condition_failure():
    answer = rules("Lite 用户，把 Cline 的 Base URL 改成了 https://api.z.ai/api/paas/v4 ，模型填 glm-5，结果账户余额少了 8 刀，"
                   "套餐额度一点没动。")
    assert answer is None or "使用条件" not in answer.text


def test_an_own_bot_on_the_plans_key_gets_the_faqs_enterprise_services():
    answer = rules("I built a Telegram bot for my customers and want to call https://api.z.ai/api/coding/paas/v4 with my "
                   "Coding Plan key from its backend. Is that allowed?")
    assert answer is not None and "enterprise-grade API / MaaS services" in answer.text
    assert "faq.maas" in answer.trace["facts"]


def test_where_to_pick_the_model_after_the_provider_is_the_tools_model_picker():
    answer = rules("OpenCode 新手，auth login 里选了 Z.AI Coding Plan 填了 key，选完之后模型在哪切？")
    assert answer is not None and "/models" in answer.text


# --- round 17 (written and measured this session before tuning on it) -------------------------------------------------

@pytest.mark.parametrize("message, parameter, words", [
    ("Calling glm-4.7 on the general API from python for an eval harness. What's the valid temperature range?",
     "`temperature` (number)", r"\[0\.0, 1\.0\]"),
    ("通用 API 上 glm-4.7 每次都先吐一大段 reasoning_content，太慢了。能关掉 thinking 吗？参数加在哪？", "`thinking` (object)",
     r"disabled"),
    ("用 glm-4.7 做 streaming function call，加了 tool_stream: true 但 tool_calls 还是最后一次性给的。tool_stream 是不是只有部分 "
     "model 支持？", "`tool_stream` (boolean)", r"Only supported by GLM-4\.6"),
])
def test_a_question_about_an_api_parameter_gets_the_references_line(message, parameter, words):
    answer = rules(message)
    assert answer is not None and parameter in answer.text and re.search(words, answer.text)
    assert "api.parameters" in answer.trace["facts"]


@pytest.mark.parametrize("message", [
    "What temperature do you recommend for Claude Code with the plan?",  # no API: a tool's setting
    "I want to turn on preserved thinking on the general API for my agent. What do I pass?",  # the guide's clear_thinking
])
def test_no_parameter_line_without_an_api_question_or_for_preserved_thinking(message):
    answer = rules(message)
    assert answer is None or "API reference (Chat Completion) on what you ask about" not in answer.text


def test_a_parameter_error_puts_the_parameter_the_question_names_among_its_lines():
    answer = rules('我在 paas/v4 上调 glm-4.7，request body 里放了\n\n```json\n"stop": ["</answer>", "###"]\n```\n\n就一直 400，code 1214。'
                   'stop 到底支持几个？')
    assert answer is not None and "only one stop word is supported" in answer.text


@pytest.mark.parametrize("message", [
    "With stream=True every chunk has usage = None so my token counter shows 0. Where is usage when streaming?",
    "用 stream=true 流式调 glm-4.7，每个 chunk 都没看到 usage 字段。流式模式下 usage 在哪拿？",
])
def test_usage_while_streaming_is_in_the_last_chunk(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "stream_usage" and "data: [DONE]" in answer.text


def test_tool_stream_is_no_question_of_streamed_usage():
    assert intent("Set tool_stream: true on glm-4.7, args still arrive in one chunk at the end. bug?") != "stream_usage"


def test_a_stream_ending_early_with_no_error_code_gets_the_error_pages_streaming_note():
    answer = rules("In streaming mode the stream sometimes just ends early, last chunk has \"finish_reason\":\"network_error\" "
                   "and no error JSON at all, no code like 1234 or 500. Expected?")
    assert answer is not None and "error.stream_finish_reason" in answer.trace["facts"]


@pytest.mark.parametrize("message", [
    "Latency from Frankfurt is bad. Is there an EU endpoint I can point Claude Code at?",
    "有没有美国节点或者欧洲的接口地址？延迟太高了",
])
def test_a_regional_endpoint_is_said_to_be_missing_from_the_docs(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "regional_endpoint" and "z.ai/contact" in answer.text


def test_us_as_a_pronoun_is_no_region():
    assert intent("Can you give us the endpoint for Cline?") != "regional_endpoint"


def test_whether_glm5_switches_automatically_is_the_switch_by_hand():
    assert intent("Upgraded to Pro for GLM-5 but /status still says glm-4.7. Do I need to do something to actually get "
                  "GLM-5, or does it switch automatically?") == "glm5_switch"


def test_credits_told_before_a_question_to_cash_that_out_are_the_no_withdrawal_rule():
    assert intent("I've got 14.70 in referral credits from inviting 3 coworkers. Can I cash that out to PayPal?") == \
        "referral_withdraw"


def test_an_early_subscriber_asking_the_renewal_price_gets_the_february_12_rule():
    assert intent("Got Pro quarterly on Jan 28 with auto-renew on. When my renewal hits in April, do I start paying a new "
                  "price?") == "grandfathering"


def test_one_amount_said_twice_is_the_old_plans_price_not_both():
    answer = rules("Bought Lite monthly this morning ($6). If I upgrade to Pro monthly right now how much more do I pay? "
                   "Does the $6 just vanish?")
    assert answer is not None and answer.text.startswith("$24")


@pytest.mark.parametrize("message", [
    "Cline's OpenAI Compatible provider defaults the context window to 128000 and 'Supports Images' is ticked. What "
    "should those be for glm-4.7 on the plan?",
    "Cline 里按文档取消了 Support Images，但是 Context Window Size 那一栏不知道填多少，GLM-4.7 建议填多少？",
])
def test_clines_settings_asked_get_its_pages_other_configurations(message):
    answer = rules(message)
    assert answer is not None and "204800" in answer.text and "Support Images" in answer.text
    assert "Vision MCP" not in answer.text


def test_glm5s_window_asked_for_clines_setting_gets_no_value_of_glm47s():
    answer = rules("On Max, switched the opus slot to glm-5. What's GLM-5's context window? Need it to set Cline's "
                   "context window size correctly.")
    assert answer is None or "204800" not in answer.text


@pytest.mark.parametrize("message", ["Max 降级到 Pro 以后，差价会退吗？", "If I downgrade, will I get the difference back?"])
def test_the_difference_back_on_a_downgrade_is_a_refund_question(message):
    answer = rules(message)
    assert answer is not None and re.search(r"不可退款|non-refundable", answer.text)


def test_a_1308_on_glm5_says_its_rate():
    answer = rules("Pro, switched ANTHROPIC_DEFAULT_OPUS_MODEL to glm-5, after ~130 prompts:\nAPI Error: 429 "
                   "{\"error\":{\"code\":\"1308\",\"message\":\"Usage limit reached for 5 hour.\"}}\nWhy so soon?")
    assert answer is not None and "3 times as fast" in answer.text


def test_a_base_url_told_as_already_set_asks_no_endpoint():
    assert intent("Cline 走套餐（Base URL 已经是 https://api.z.ai/api/coding/paas/v4），套餐里到底能调哪些模型？") != "endpoint"


def test_free_and_paid_models_asked_together_are_each_priced():
    answer = rules("glm-4.7-flash 走 api 是免费的吗？glm-4.7-flashx 要多少钱 per 1M tokens？")
    assert answer is not None and "GLM-4.7-Flash：免费" in answer.text and "$0.07" in answer.text


def test_how_many_tools_a_request_takes_is_the_references_tools_line_not_mcp_quota():
    answer = rules("我们把所有工具都塞进 tools 了，一共 150 个 function，调 glm-4.7 报参数错误。tools 最多支持多少个？")
    assert answer is not None and "A max of 128 functions" in answer.text and answer.trace.get("intent") != "mcp_quota"


# --- the reviewer's near-misses for this session's rules ---------------------------------------------------------------

@pytest.mark.parametrize("message, never", [
    ("Is there a free GLM coding plan trial before I pay for Lite?", "free_models"),
    ("Are free models like GLM-4.7-Flash counted against my Lite quota when I use them in Claude Code?", "free_models"),
    ("I'm in Japan. Which base URL do I use for Cline with the coding plan?", "regional_endpoint"),
    ("I'm in Asia and the server keeps timing out with Claude Code, is it down?", "regional_endpoint"),
    ("I have a $20 cash balance left from a top-up I never used. Can I cash that out to my bank?", "referral_withdraw"),
    ("剩余的额度退出账号后会清零吗？", "refund"),
    ("GLM-5 用超了会不会自动扣我账户余额？我是 Pro 套餐", "glm5_switch"),
    ("Will my GLM-5 quota reset automatically or do I need to do something after hitting the limit?", "glm5_switch"),
    ("MCP 工具每个月最多多少次？我是 Lite 套餐", None),
    ("I subscribed in January. How much does Max cost if I renew as Max instead of Pro?", "grandfathering"),
])
def test_this_sessions_rules_leave_their_near_misses_alone(message, never):
    if never is None:  # the rule it had must stay
        assert intent(message) == "mcp_quota"
    else:
        assert intent(message) != never


@pytest.mark.parametrize("message, expected", [
    ("如何取消 coding plan 的订阅？", "cancel_deadline"),
    ("Max -> Pro: can I change mid-cycle?", "downgrade"),
    ("I downgraded from Max to Pro. Will I get the difference back?", "downgrade"),
])
def test_this_sessions_changes_keep_these_rules(message, expected):
    assert intent(message) == expected


@pytest.mark.parametrize("message, never", [
    ("我在海外，代码在海外服务器上跑 Claude Code，会不会被封号？", "outside the jurisdiction"),
    ("Claude Code 改的代码被覆盖了，保存之后又没了，怎么回事？", "We do not store"),
    ("How many tools can I use my coding plan API key with? Claude Code, Cline, Cursor?", "A max of 128 functions"),
    ("My credits balance went from 0 to 20 after my friend subscribed with my invite link. Is that right?",
     "usage conditions"),
    ("I'm out of ideas after 2 hours debugging: Claude Code keeps asking for the API key. What do I do?", "model calls"),
    ("In Claude Code, how do I turn off thinking?", "API reference (Chat Completion)"),
    ("I use my key in Cline and people on Reddit say bans are random. Will I get banned?", "You shall not share"),
])
def test_this_sessions_lines_stay_out_of_answers_they_do_not_belong_to(message, never):
    answer = rules(message)
    assert answer is None or never not in answer.text


def test_a_bearer_header_built_with_an_f_string_is_no_missing_bearer():
    answer = rules('My script gets 401 with code 1002:\n\nheaders = {"Authorization": f"Bearer {api_key}"}\n\nWhy?')
    assert answer is not None and "api.bearer" not in answer.trace["facts"]


def test_the_coding_endpoint_named_in_words_while_failing_still_gets_the_protocol_line():
    answer = rules("I have Claude Code with ANTHROPIC_BASE_URL set to the coding endpoint and it says 404 model not found")
    assert answer is not None and "Anthropic protocol" in answer.text


@pytest.mark.parametrize("message, never", [
    ("I'm on the Pro plan using Claude Code. Does streaming count more quota than non-streaming?", "stream_usage"),
    ("流式输出会不会更耗套餐用量？我用 Claude Code。", "stream_usage"),
    ("In Cline the streamed responses stop halfway, last chunk has finish_reason network_error. Is that my usage limit?",
     "stream_usage"),
    ("My billing cycle starts from the 5th of each month. When will I be charged for the renewal?", "quota_reset"),
])
def test_the_second_reviewers_near_misses_get_no_rule_of_their_words(message, never):
    assert intent(message) != never


@pytest.mark.parametrize("message, never", [
    ("My cash balance went from 30 to 25 after I bought the Lite plan, is that the charge for the plan?", "usage conditions"),
    ("I use OpenCode for my own pay-as-you-go API work, no plan. My balance went from $20 to $12 in two days. Why?",
     "Z.AI Coding Plan"),
    ("I cancelled my Claude subscription and then got charged by Z.ai for Pro today. Refund?", "24 hours before"),
])
def test_the_second_reviewers_near_misses_get_no_line_of_their_words(message, never):
    answer = rules(message)
    assert answer is None or never not in answer.text


def test_a_code_denied_hides_no_other_code_shown():
    answer = rules("Output stops mid-answer in Claude Code. No error code like 429, but the log shows API Error 500 right "
                   "before.")
    assert answer is not None and "HTTP 500" in answer.text


def test_a_vision_models_parameter_comes_from_the_vision_section():
    answer = rules("I'm calling glm-4.6v through the general API with python requests. What's the default temperature "
                   "for the vision model?")
    assert answer is not None and "GLM-4.6V, GLM-4.5V" in answer.text and "GLM-4.7 GLM-4.6 series" not in answer.text


# Round 18 session: a setting named is the question's own subject; a discount or figure told is no reward asked
@pytest.mark.parametrize("message, expected", [
    ("Kilo Code returns 1113 right after I bought Lite with a coworker's invite (10% off, paid $16). Which entrypoint "
     "should I pick in the dropdown?", None),
    ("I'm on Pro monthly ($30, bought with an invite's 10% discount) and won't renew. When is the latest I can cancel "
     "so I'm not charged again?", "cancel_deadline"),
    ("My referral credits show $5.40 from three friends. Can I cash those out to my bank?", "referral_withdraw"),
    ("我同事上周用我的邀请链接买了 Lite 包季，实付 $22.5，到现在我的 credits 还是 0。多久能到账？", "referral_issuing"),
    ("I bought Max quarterly on January 15 when it said ~2400 prompts, with auto-renew on. Will the renewal cut me to "
     "1600?", "grandfathering"),
    ("我是 2 月 12 号之前订阅的 Pro，一直开着自动续费。新加的每周限额对我有影响吗？", "grandfathering"),
    ("My roommate wants to borrow my API key for his Cline. Is that ok if he stays under my limit?", "personal_plan"),
    ("My friend's referral credits never showed up. Is there a deadline for complaining about missing referral credits?",
     "referral_objection"),
])
def test_the_question_not_the_story_picks_the_rule(message, expected):
    if expected is None:
        assert intent(message) not in ("referral_reward", "referral_friend_discount")
    else:
        assert intent(message) == expected


def test_a_reward_pointed_back_at_with_that_is_still_the_reward():
    answer = rules("A friend paid $12 for Lite with my link. How much credit is that for me?")
    assert answer is not None and answer.trace["intent"] == "referral_reward" and "$3.60" in answer.text


@pytest.mark.parametrize("message", [
    "Bought Lite monthly this morning and it isn't enough. How much do I pay extra if I upgrade to Pro monthly now?",
    "I bought Lite monthly today. How much extra to move to Pro now, before my Lite month is over?",
])
def test_an_upgrade_on_the_day_told_in_the_story_is_priced_from_the_plan_held(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "upgrade_cost"
    assert answer.text.startswith("$24") and "Lite monthly ($6) → Pro monthly ($30)" in answer.text


def test_lite_without_glm5_says_the_faq_promises_it_later():
    answer = rules("Does the Lite plan support GLM-5?")
    assert answer is not None and "will also support GLM-5" in answer.text
    assert "models.lite_later" in answer.trace["facts"]


@pytest.mark.parametrize("message, other", [
    ("GitHub Copilot Business says I'm out of premium requests for the month. How do I get the quota reset?", True),
    ("My EC2 service quota is stuck at 5 vCPUs and the request is pending for days. How do I speed it up?", True),
    ("中国移动的流量套餐从 58 升到 128，是当月生效吗？", True),
    ("Two Stripe charges of $30 for one Pro monthly order. I need one of them back.", False),
    ("Can I use the coding plan inside GitHub Copilot?", False),
    ("I call GLM-4.7 from a Lambda on AWS and get 1113. Why?", False),
])
def test_another_companys_product_as_the_subject_is_theirs(message, other):
    assert analyse(message, SETTINGS.corpus_dir).other_vendor is other


def test_a_per_token_price_is_the_api_price_written_as_the_pricing_page_writes_it():
    answer = rules("What's the per-token price for glm-4.7 input/output?")
    assert answer is not None and answer.trace["intent"] == "api_cost"
    assert "$0.6 per 1M input tokens" in answer.text and "$2.2 per 1M output tokens" in answer.text


def test_a_model_told_with_its_price_is_not_priced_again():
    answer = rules("What does GLM-4.6 cost per million output tokens on the API? We budgeted at the GLM-4.7 output "
                   "rate ($2.2).")
    assert answer is not None and "GLM-4.6:" in answer.text and "GLM-4.7:" not in answer.text


def test_an_mcp_server_already_added_is_not_the_one_asked():
    answer = rules("Claude Code 里联网搜索已经加好了，现在想再加个网页读取，命令给一下")
    assert answer is not None and "web_reader" in answer.text and "web_search_prime" not in answer.text


def test_own_apps_base_url_asked_gets_the_general_endpoint_beside_the_terms():
    answer = rules("Claude Code works with my plan. Now I'm wiring GLM into my own telegram bot with the openai sdk. "
                   "What base_url am I supposed to use for my own app?")
    assert answer is not None and "https://api.z.ai/api/paas/v4" in answer.text and "billed separately" in answer.text


@pytest.mark.parametrize("message, expected, must", [
    ("Cline 和 Claude Code 一起开，Lite 的 5 小时额度是每个工具各算一份，还是合在一起？", "shared_quota", "共用一个额度"),
    ("I bought Lite quarterly with auto-renew on. When the quarter ends, will it renew monthly or quarterly?", "renewal",
     "renew for the same duration"),
    ("Lite monthly since March 2. If I buy Lite annual today, does the annual start today?", "same_tier_upgrade",
     "will not take effect immediately"),
    ("What is GLM-4.5V's context window on the API?", "context_window", "GLM-4.5V 64K"),
    # when a cycle bought beside the current one starts: the question alone names one plan and one cycle, the story
    # before it tells the other
    ("I'm on Pro monthly, it renews on the 3rd. Planning to switch to Pro yearly for the discount. If I pay for the "
     "yearly now, does it kick in today and I lose what's left of this month?", "same_tier_upgrade",
     "will not take effect immediately"),
    ("Max quarterly, ~5 weeks left. Thinking about annual, still Max. Buying the annual today, would it stack on top "
     "or replace the quarter?", "same_tier_upgrade", "will not take effect immediately"),
    ("Lite 包月还剩两周，想换成 Lite 包年。现在下单的话是把包月顶掉，还是包月到期后顺延？", "same_tier_upgrade", "不是马上开始"),
    # mappings pinned by hand, the defaults wanted back: the Claude Code page's note, not today's values to pin again
    ("Months ago I pinned ANTHROPIC_DEFAULT_OPUS_MODEL and SONNET to glm-4.5 in settings.json. How do I get back to the "
     "latest defaults and stay on them automatically when new models come out?", "claude_mapping",
     "delete the model mapping configuration"),
    ("settings.json 里 opus 和 sonnet 之前手动写成了 glm-4.6，想恢复默认，以后自动跟着最新的默认模型走，要怎么改？",
     "claude_mapping", "删除 settings.json 里的模型映射配置"),
])
def test_the_docs_own_words_answer_these(message, expected, must):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == expected and must in answer.text


def test_fewer_invites_than_a_bonus_round_earn_no_zero_rounds_line():
    answer = rules("I've invited 29 friends so far. Is there an extra reward at 30? How much?")
    assert answer is not None and answer.trace["intent"] == "referral_tier"
    assert "0 extra reward" not in answer.text and "For every 30 successful invites" in answer.text


def test_a_team_told_as_who_uses_the_plan_asks_no_sharing_question():
    message = ("Our company will put 25 devs on GLM Coding Plan Pro in Claude Code. Legal needs a written SLA: what uptime "
               "percentage do you guarantee for api.z.ai?")
    assert intent(message) != "personal_plan"
    assert intent("Our company has 25 devs. Can they all share one Pro plan?") == "personal_plan"


# The review of this session's changes: each message moved to a wrong answer by them, and what it must get
@pytest.mark.parametrize("message, expected, must", [
    ("A friend paid $30 for Pro with my code. How much is my reward?", "referral_reward", "$9"),
    ("My friend paid $30 for Pro with my code. How much credit do I get, and when will it show up?", "referral_reward",
     "$9"),
    ("My friend paid through my link 2 days ago and I still haven't received the credits. Not complaining, just asking "
     "when they usually arrive?", "referral_issuing", "24–48"),
    ("I subscribed to Lite in December. Does my plan auto-renew on the 15th, and do I need to do anything?", "renewal",
     "automatically renew"),
    ("我1月份买的Lite包月，2号会自动续费吗？", "renewal", "自动续费"),
    ("我想从 Lite 升级到 Pro，已经用了 10 天，我的 Pro 要补多少钱？", "upgrade_cost", "$26"),
    ("I had Lite for 10 days and upgraded to Pro. Was I charged right? My Pro cost $26.", "upgrade_cost",
     "Lite monthly ($6) → Pro monthly ($30)"),
    ("GLM-4.7 output is $2.2 per 1M tokens, but what's the GLM-4.7 input price? And GLM-4.6?", "api_cost",
     "GLM-4.7: $0.6 per 1M input"),
    ("Is GLM-4.7 really $0.6 per million input tokens? Also how much is GLM-4.5-Air per token?", "api_cost", "GLM-4.7:"),
    ("glm-4.5v上下文多长？", "context_window", "GLM-4.5V 64K"),
    ("I bought Lite quarterly with auto-renew on. When the quarter ends, will it renew monthly or quarterly?", "renewal",
     "a quarterly plan renews for a quarter"),
])
def test_the_reviews_messages_get_the_rule_they_ask(message, expected, must):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == expected and must in answer.text


@pytest.mark.parametrize("message, never", [
    ("My brother borrowed my laptop for the weekend and now Claude Code says 401. How do I fix it?", "personal_plan"),
    ("My teammate borrowed some code from the docs example and gets error 1211. Which model name should he use?",
     "personal_plan"),
    ("我有两个账号，一个在 Claude Code 里用，一个在 Cline 里用，两个账号的额度能合并吗？", "shared_quota"),
    ("A friend just bought Pro with my invite link. I have Lite monthly myself; how much extra to upgrade to Pro?",
     "same day"),
])
def test_the_reviews_near_misses_stay_clear(message, never):
    answer = rules(message)
    assert answer is None or (answer.trace.get("intent") != never and never not in answer.text)


def test_an_mcp_server_said_to_be_installed_but_failing_is_the_one_diagnosed():
    answer = rules("Web reader is already installed but returns 401 every time; should I add the web search MCP instead?")
    assert answer is not None and "Web Reader" in answer.text.split("\n")[0]


def test_the_renewal_length_line_comes_only_when_the_length_is_asked():
    answer = rules("I'm on the monthly Lite plan. Will it auto-renew?")
    assert answer is not None and "same duration" not in answer.text


@pytest.mark.parametrize("message, other", [
    ("I'm cancelling GitHub Copilot and moving to your Lite plan. How do I set up Claude Code with it?", False),
    ("我在 AWS 上部署了 cline，用 Max 套餐报 1302，怎么办？", False),
    ("Can I use my Pro subscription from an Azure VM?", False),
    ("我用的是中国移动宽带，调用接口一直超时，我买的是Pro套餐", False),
])
def test_a_cloud_or_carrier_named_beside_our_plan_is_ours(message, other):
    assert analyse(message, SETTINGS.corpus_dir).other_vendor is other


@pytest.mark.parametrize("message", [
    "OpenCode install: `brew install opencode` gives me something ancient that doesn't list Z.AI providers at all. What's "
    "the install method the z.ai guide uses?",
    "arch user here, no homebrew obviously. what's the install for crush that you guys list? want to use it with my plan",
])
def test_an_install_question_is_not_answered_by_a_line_without_an_install_command(message):
    assert rules(message) is None  # the tool's page, through retrieval, has the commands


def test_an_install_question_answered_with_a_command_keeps_its_rule():
    answer = rules("npm scares me. Your Claude Code page says Cursor can help with installing Claude Code: what exactly do "
                   "I type into Cursor?")
    assert answer is not None and "Help me install Claude Code" in answer.text


def test_the_friends_discount_quotes_the_rules_on_follow_up_orders():
    answer = rules("My friend got 10% off through my invite link. Will the 10% apply to his renewal too?")
    assert answer is not None and "follow-up subscription orders are NOT eligible" in answer.text
    assert "ref.followups" in answer.trace["facts"]


@pytest.mark.parametrize("message", [
    "Max subscriber. If I send 100 prompts with glm-5, how many prompts does that count as?",
    "Is glm-5 billed differently against the plan quota? by how much?",
])
def test_glm5_counted_against_the_quota_is_its_rate(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "models" and "counts 3×" in answer.text
    assert "price of Max" not in answer.text  # ("by how much?" asks the question before it further, not a price)


# The second review of this session's changes
@pytest.mark.parametrize("message, expected, must", [
    ("I switched to Lite from Pro last week; how much does it cost to switch back to Pro on day 8?", "upgrade_cost",
     "Lite monthly ($6) → Pro monthly ($30)"),
    ("I upgraded to Max this morning but honestly Pro was enough. Can I go back to Pro?", "downgrade", "downgrade"),
    ("After installing Claude Code, which base URL do I put in?", "endpoint", "https://api.z.ai/api/anthropic"),
    ("我刚安装了 Claude Code，base url 应该填什么？", "endpoint", "https://api.z.ai/api/anthropic"),
    ("which tools can I install and use with the coding plan?", "supported_tools", "Claude Code"),
    ("安装好 Cline 之后，Lite 套餐每5小时有多少次？", "plan_quota", "80"),
    ("What's the price of Lite monthly? Does it auto-renew?", "plan_price", "automatically renew"),
    ("What's the base URL for Cline? Which models work?", "endpoint", "GLM-4.7"),
    ("How many model calls does one GLM-5 prompt count as?", "model_calls", "15–20 model calls"),
    ("I'm on Pro. Is GLM-5 billed differently from GLM-4.7 in the quota? How many prompts do I get then?", "plan_quota",
     "133 GLM-5 prompts"),
    ("Can my coworker borrow my Z.ai API key for a day?", "personal_plan", "You shall not share"),
])
def test_the_second_reviews_messages_get_the_rule_they_ask(message, expected, must):
    answer = rules(message)
    assert answer is not None and (answer.trace.get("intent") or answer.trace.get("layer")) == expected
    assert must in answer.text


def test_a_credits_date_asked_after_payments_told_gets_no_reward_figure():
    answer = rules("I invited 3 friends who paid $30 each. When will the credits show up?")
    assert answer is None or answer.trace.get("intent") != "referral_reward"


def test_a_carrier_named_with_a_tool_failing_is_ours():
    assert not analyse("我用中国移动的5G套餐热点跑 Claude Code，总是超时，怎么办？", SETTINGS.corpus_dir).other_vendor


def test_a_same_tier_validity_without_cycles_named_gives_the_faqs_month_count():
    answer = rules("How long is my validity if I upgrade Lite to Lite?")
    assert answer is not None and answer.trace["intent"] == "same_tier_upgrade"
    assert "13 months of service" in answer.text and "{" not in answer.text


# Round 18's failures, read as development: each message is a subscriber's way of writing that a mechanism now serves.
@pytest.mark.parametrize("message, expected, must", [
    # a story's move gives the direction its two-plan question leaves out; "caved and bought ... this morning" is today
    ("ok I caved and bought Lite monthly this morning and I'm thinking of jumping to Pro monthly. Do I pay the full 30 "
     "again or just the difference? Does Pro start right now or do I wait on Lite?", "upgrade_cost", "$24"),
    # a move down is a downgrade whatever "差价" triggers, and the money asked back gets the refund policy
    ("我是 Max 包月，想降到 Pro。降级是立刻生效吗？Max 和 Pro 的差价能退回来吗？", "downgrade", "不可退款"),
    ("包年想改成包月，改了以后是下个月开始按月扣吗？包年剩下的钱能退一部分吗", "cycle_change", "不可退款"),
    # the figure of the plan held beside the one considered
    ("I'm on Lite. Thinking about Pro: does Pro change the monthly web search number a lot?", "mcp_quota", "Lite: 100"),
    # a GitHub token or repo is where things live, not another company's product asked about
    ("Do I need to give zread a GitHub token? And on Pro, does zread use the same allowance as web search?",
     "mcp_quota", "1,000"),
    # a payment on the 4th day after joining is past the 72-hour window
    ("朋友用我的邀请链接注册后第 4 天才付款，我的积分一直没到。是不是超过时间了？", "referral_qualifies", "72"),
    ("My friend signed up with my link and paid on day 4 after signing up. No credits for me. Too late?",
     "referral_qualifies", "past the 72-hour window"),
    # a February date on or after the 12th is no early subscriber; the quota asked of GLM-5 is GLM-5's
    ("Subscribed Pro on Feb 20 to try GLM-5. How do I turn it on in Claude Code, and is there a catch with the quota?",
     "plan_quota", "3×"),
])
def test_round_18s_ways_of_writing_get_the_rule_they_ask(message, expected, must):
    answer = rules(message)
    assert answer is not None and (answer.trace.get("intent") or answer.trace.get("layer")) == expected, answer
    assert must in answer.text


def test_a_downgrade_gets_no_upgrade_rules_for_its_difference():
    answer = rules("我是 Max 包月，想降到 Pro。降级是立刻生效吗？Max 和 Pro 的差价能退回来吗？")
    assert "跨档位升级" not in answer.text


def test_an_early_subscriber_who_bought_again_after_february_12_keeps_the_rule():
    answer = rules("I had Max since December, no auto-renew. It lapsed, I bought it again on Feb 18 and the 5-hour "
                   "quota runs out much sooner than before.")
    assert answer is not None and answer.trace.get("intent") == "grandfathering"


def test_a_referral_bare_question_beside_another_is_answered_from_the_story():
    answer = rules("同事用我的邀请链接注册，注册完第 4 天才付款，结果我这边 credits 一直没到账。是不是超过时间了？另外这些 credits "
                   "能提现吗，还是只能拿来买套餐")
    assert answer is not None and "72" in answer.text and "不能提现" in answer.text
    assert answer.text.index("72") < answer.text.index("不能提现")  # in the order asked


@pytest.mark.parametrize("message, must", [
    # the dates of joining and of paying told: four days apart is past the 72-hour window
    ("我 2 号把邀请链接发给同事，他当天就注册登录了，但拖到 6 号才付款买了 Lite。我这份邀请奖励还算吗？", "72 小时的期限"),
    ("My friend signed up with my link on the 2nd and only paid for Pro on the 6th. Does my invite still count?",
     "past the 72-hour window"),
])
def test_a_payment_told_by_its_dates_past_the_window_does_not_qualify(message, must):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "referral_qualifies" and must in answer.text, answer


@pytest.mark.parametrize("message", [
    "He signed up on the 28th and paid on the 2nd. Does my invite count?",  # maybe the next month: no gap worked out
    "My friend signed up on the 2nd and paid on the 3rd. Does my invite count?",  # inside the window
    "我 2 号注册，3 号付款，邀请还算吗？",
])
def test_dates_that_do_not_show_a_late_payment_say_no_lateness(message):
    answer = rules(message)
    assert answer is None or "past the 72-hour window" not in answer.text and "期限" not in answer.text.split("总之")[0], answer


def test_a_participle_is_no_page_topic():
    msg = analyse("Bought Max during the sale thinking I'd run four agents at once. When does a downgrade to Pro "
                  "happen?", SETTINGS.corpus_dir)
    assert msg.topics == ()
    assert intent("Bought Max during the sale thinking I'd run four agents at once. When does a downgrade to Pro "
                  "happen?") == "downgrade"
    assert analyse("How do I turn on deep thinking for GLM-4.7?", SETTINGS.corpus_dir).topics == ("guides-thinking-mode",)


def test_a_key_spelled_otherwise_in_a_pasted_mcp_config_is_named():
    message = ('Cline, vision MCP config:\n```json\n{"mcpServers": {"zai-mcp-server": {"type": "stdio", "command": "npx", '
               '"args": ["-y", "@z_ai/mcp-server"], "env": {"ZAI_API_KEY": "abc123", "Z_AI_MODE": "ZAI"}}}}\n```\n'
               'every image call fails with Invalid API Key. what is wrong with my env block?')
    answer = rules(message)
    assert answer is not None and '"ZAI_API_KEY"' in answer.text and '"Z_AI_API_KEY"' in answer.text


def test_a_header_sent_by_hand_without_bearer_is_named_whatever_tool_the_story_names():
    message = ("测 key 的脚本：\n```\ncurl https://api.z.ai/api/coding/paas/v4/chat/completions -H \"Authorization: "
               "3f9a1234.abcd\" -d '{\"model\":\"glm-4.7\"}'\n{\"error\":{\"code\":\"1002\",\"message\":\"Authorization "
               "Token is invalid\"}}\n```\nClaude Code 里用同一个 key 就好好的。哪错了？")
    answer = rules(message)
    assert answer is not None and "Bearer" in answer.text


@pytest.mark.parametrize("message, expected, must", [
    # a cancellation's lead time asked with its object told before
    ("Pro 连续包季，下次扣款 3 月 15 号，想先把自动续费关掉。群里说要提前 48 小时关，不然照样扣，是这样吗？", "cancel_deadline", "24"),
    # a number of people sharing one key
    ("我们组 3 个人想合买一个 Max 包年，一个账号的 key 分给三个人各自在电脑上用，这样可以吗？", "personal_plan", "不得共享"),
    # "每 1M tokens" is the unit of a price asked, not an amount to price
    ("给自己的 bot 接 GLM-4.7 走通用 API。GLM-4.7 input / output 每 1M tokens 多少钱？cached input 呢？", "api_cost", "$0.11"),
    # "the helper" named in the story is the Coding Tool Helper
    ("`npx @z_ai/coding-helper` stalls at the key step behind our proxy. Is there a non-interactive way to set the key "
     "for the helper? I want it in our bootstrap script.", "coding_helper", "coding-helper auth glm_coding_plan_global"),
])
def test_round_18s_further_ways_of_writing_get_the_rule_they_ask(message, expected, must):
    answer = rules(message)
    assert answer is not None and (answer.trace.get("intent") or answer.trace.get("layer")) == expected, answer
    assert must in answer.text


@pytest.mark.parametrize("message, must", [
    # a setting of the server's page asked whether to set: the page's value
    ("Claude Code 里的视觉理解 MCP 一直 Failed to connect。Z_AI_MODE 我没配，这个必须填吗？", "ZAI"),
    ("in the zai-mcp-server env block, what value should Z_AI_MODE have? mine is blank and I get invalid api key",
     "Z_AI_MODE=ZAI"),
    # a video's size against the page's limit
    ("Cline 里视觉理解 MCP 配好了。还想让它分析一段录屏，mp4 大概 23MB，能行吗？", "8 MB"),
    # the provider type a tool's page gives, asked as the right choice
    ("Goose desktop: I created an OpenAI Compatible provider with https://api.z.ai/api/coding/paas/v4 and tool calls "
     "come back as text. Is OpenAI Compatible the right choice for goose?", "Anthropic Compatible"),
    # a rate limit asked about as if the quota ran out
    ("6 parallel claude -p jobs on Max give `API Error: 429 {\"error\":{\"code\":\"1302\",\"message\":\"High concurrency "
     "usage of this API\"}}`. I've only used 200 of my 1600 prompts. Is this a quota issue?", "not your prompt quota"),
    # Lite asking for a way to use GLM-5 anyway
    ("Lite 包年。我在 Claude Code 的 settings.json 里把 OPUS 改成 glm-5，一调用就报错。Lite 用不了吗？有啥办法能体验一下 GLM-5，"
     "花点钱也行", "https://api.z.ai/api/paas/v4/chat/completions"),
])
def test_round_18s_diagnoses_give_the_pages_value(message, must):
    answer = rules(message)
    assert answer is not None and must in answer.text, answer


def test_a_china_endpoint_listed_beside_zais_is_one_option_not_the_platform():
    message = ('Kilo Code: API Provider "Z AI", but the "Z AI Entrypoint" dropdown only gives me `International API '
               '(https://api.z.ai/api/paas/v4)` and `China API (https://open.bigmodel.cn/api/paas/v4)`. Which '
               'entrypoint do I pick for the coding plan? there is no coding option here')
    msg = analyse(message, SETTINGS.corpus_dir)
    assert not msg.china_platform
    answer = rules(message)
    assert answer.text.startswith("If your Kilo Code version lacks the Coding Plan option")
    assert analyse("我用的是 open.bigmodel.cn 的 Lite 套餐，5 小时多少次？", SETTINGS.corpus_dir).china_platform


def test_a_concurrency_question_without_an_error_gets_no_line_on_which_error_it_is():
    answer = rules("How many concurrent requests does the Pro plan allow? I'm not asking about the 400 prompts/5h "
                   "thing, I know that one.")
    assert answer is None or "1308" not in answer.text


def test_a_video_limit_told_by_the_subscriber_is_no_video_of_theirs():
    answer = rules("web reader MCP page size limit? Max plan. (I know video for the vision server is capped at 8 MB, is "
                   "there something similar for the reader?)")
    assert answer is None or "video_analysis" not in answer.text


# Round 19's failures, read as development after its unseen measure
@pytest.mark.parametrize("message, expected, must", [
    # questions naming no subject of their own ask about the situation the story tells
    ("Bought Pro quarterly on Jan 28 with the old limits. I did NOT turn on auto-renew. Q1: does my current quarter "
     "keep what I bought? Q2: if I renew manually on Apr 28, what do I get then?", "grandfathering", "February 12"),
    ("Pro 包月不想续了，下次扣费时间是 3 月 10 号 00:00 (UTC)。打算 3 月 9 号晚上 8 点再去点取消。这样来得及吗？", "cancel_deadline",
     "24"),
    ("Lite monthly renewed yesterday for $6. I had $5.85 in invite credits, transaction history shows them used, but "
     "my Visa got charged more than the 15 cents left. did I get overcharged? and in what order is all that taken "
     "anyway.", "fee_order", "credits"),
    # a friend who had a subscription before is no new user; "let it lapse" is the subscription's, not the credits'
    ("sent my invite link to an old coworker on Feb 10, he registered and paid Pro within an hour. it's been 5 days, "
     "no credits. he DID have a Lite subscription back in August and let it lapse. does that disqualify him?",
     "referral_qualifies", "only new users"),
    # time since the payment is no delay before it
    ("朋友昨天晚上 11 点用我的链接付了 Pro 月付，到现在大概 14 个小时了，我这边 credits 还是 0。一般多久到账？", "referral_issuing",
     "24–48"),
    # the FAQ's other list of supported tools
    ("Is OpenClaw a supported tool on the coding plan? I'm on Lite.", "troubleshoot", "OpenClaw"),
    # a model still answering after a new provider: the tool's own model picker
    ("Goose Desktop 1.12: added a provider for my GLM Lite plan (Anthropic Compatible, https://api.z.ai/api/anthropic, "
     "GLM-4.7). But every chat still answers from gpt-4.1. How do I make goose actually use the GLM one?",
     "troubleshoot", "Switch Models"),
])
def test_round_19s_ways_of_writing_get_the_rule_they_ask(message, expected, must):
    answer = rules(message)
    assert answer is not None and (answer.trace.get("intent") or answer.trace.get("layer")) == expected, answer
    assert must in answer.text


@pytest.mark.parametrize("message, never", [
    # a story's plan with a question of the terms: the sharing, not the February 12 rule
    ("We're a 4-person agency. I bought Max (paid Feb 2) and want to put the same API key into the Cline of my 3 devs. "
     "Is that OK with your terms or will you ban us?", "grandfathering"),
    # a setup question after a story of a renewal
    ("I renewed my Pro yesterday. How do I configure Cline for it?", "renewal"),
    # calls told, not counted
    ("running eigent from source; the UI loads but login/model calls go out to the hosted eigent cloud instead of my "
     "local backend. what do I need in the frontend env to make it use the local backend?", "model_calls"),
    # a reward worked out from the story answers no question of when
    ("my friend subscribed through my invite link yesterday (Pro monthly, he paid ~$27), it's been about 30 hours and I "
     "still see 0 credits. When should they show up?", "referral_reward"),
])
def test_round_19s_near_misses_stay_clear(message, never):
    assert intent(message) != never


@pytest.mark.parametrize("message, must", [
    # the general API used by choice, said in so many words: no plan endpoint pushed on it
    ("自己写的 Go 小工具（不是在 IDE 里用，走通用 API 按量付费，余额充了 $20），一直 404：\n```\nPOST "
     "https://api.z.ai/api/paas/v4/chat/completion\n< HTTP/2 404\n{\"error\":{\"code\":\"1222\",\"message\":\"API "
     "chat/completion 不存在\"}}\n```\n1222 到底啥意思？", "/chat/completions"),
    # a response's own reason for ending
    ("general API batch job, glm-4.7, non-streaming, max_tokens 4096. Long outputs stop halfway, no error code:\n"
     "```json\n\"finish_reason\": \"length\",\n\"usage\": {\"completion_tokens\": 4096}\n```\nIs it truncated? How high can "
     "max_tokens go?", "131072"),
    ("streaming review agent on the general endpoint; on some files the stream stops mid-sentence, HTTP 200, no error "
     "JSON. last chunk: data: {\"choices\":[{\"finish_reason\":\"sensitive\"}]} what happened?", "1301"),
    # an invite story's question that names none of the family's words
    ("我在 B 站放了邀请链接，valid invites 已经 61 个了。满 30 人那个额外 10% 我拿过一次了。是只有第一个 30 人给一次，还是每满 30 "
     "人都给？61 人的话算几轮？", "2 轮"),
    # who counts as a new user
    ("想拉同事用我的邀请链接买 Pro。他的账号去年就注册了，一直用通用 API，充值过三次余额，但从来没买过订阅。他这种算「新用户」吗？用我的链接"
     "首单还能打 9 折吗？", "has never paid for a subscription"),
    # the server's version asked or named
    ("公司 npm 镜像上 @z_ai/mcp-server 只同步到了 0.0.9，Cline 里把版本写死了 @z_ai/mcp-server@0.0.9。视觉 MCP 升级到 GLM-4.6V "
     "了，要让 IT 把镜像同步到哪个版本以上？", "0.1.2"),
    # which of a server's tools does a task
    ("Vision MCP: which tool reads charts and dashboards?", "analyze_data_visualization"),
    # what the FAQ says makes usage vary, asked by name
    ("Pro monthly. Same refactor, Monday with manual approvals used 35% of the 5h window, Wednesday with auto-accept hit "
     "the limit in 2 hours. Is auto-accept known to eat more quota? How many prompts does Pro get?", "auto-accept"),
    # the overview's starting price asked about
    ("overview 写 Pro plans from 15 USD per month，但 FAQ 例子里 Pro 包月是 $30。同事第一个月付了 15 刀，第二个月变 30 了。Pro "
     "包月到底是多少钱？15 是咋来的", "from 15 USD per month"),
    # the per-image prices of the image models
    ("comparing GLM-Image and CogView-4 for 40 banner images on the general API — what's the per-image price of each?",
     "$0.015"),
])
def test_round_19s_pages_values_are_given(message, must):
    answer = rules(message)
    assert answer is not None and must in answer.text, answer


def test_the_general_api_by_choice_gets_no_plan_endpoint():
    message = ("还在用老项目里的 JWT 鉴权（general API，不是 coding plan），每次请求都回 401 {\"error\":{\"code\":\"1003\","
               "\"message\":\"Authentication Token expired\"}}。token 明明是刚生成的，哪错了？")
    assert analyse(message, SETTINGS.corpus_dir).pays_per_use
    answer = rules(message)
    assert answer is None or "api/coding/paas/v4" not in answer.text


@pytest.mark.parametrize("message, never", [
    ("邀请返利活动会持续到什么时候？怕下个月活动结束，30% 返利和满 30 人额外 10% 还算不算", "referral_tier"),
    ("群里有人说可以批量注册几个新号用自己的邀请链接下单，credits 能薅好几轮。被发现了会怎样？", "referral_tier"),
    ("上个月 Lite 升 Pro 的时候，剩余价值折算成了 $18 的账户余额。这笔余额我用不上，能不能提现退回到原来的信用卡？", "upgrade_rules"),
    ("web reader MCP returns a cut-off page. (The vision server's `video_analysis` is capped at 8 MB, I know.) Is there a "
     "page length limit for the reader?", "troubleshoot"),
])
def test_round_19s_further_near_misses_stay_clear(message, never):
    assert intent(message) != never


# The two reviews of this session's changes: each message a regression they found, now answered as before or better
@pytest.mark.parametrize("message, expected, must", [
    ("He signed up with my link and it's been 4 days now; he finally paid this morning. Does my invite count?",
     "referral_qualifies", "past the 72-hour window"),
    ("I had a Lite plan before and upgraded to Pro. My friend joined with my link and paid within 2 hours. Does it count?",
     "referral_qualifies", "inside the 72-hour window"),
    ("My plan expires on the 20th and I won't renew. Do I lose the credits from inviting friends?", "referral_validity",
     "long-term valid"),
    ("How much does the Pro plan cost, and can it call CogView-4?", "plan_price", "$30"),
    ("Is the 10% invite discount still only for new users?", "referral_friend_discount", "10%"),
    ("Planning to downgrade from Max to Pro. Will the downgrade refund anything? And if I upgrade back later, is that "
     "immediate?", "downgrade", "takes effect immediately"),
    ("curl https://api.z.ai/api/coding/paas/v4/chat/completion returns 404. I'm on the Pro plan", "troubleshoot",
     "https://api.z.ai/api/coding/paas/v4/chat/completions"),
])
def test_the_reviews_of_round_19s_changes_get_the_rule_they_ask(message, expected, must):
    answer = rules(message)
    assert answer is not None and (answer.trace.get("intent") or answer.trace.get("layer")) == expected, answer
    assert must in answer.text


@pytest.mark.parametrize("message, never", [
    ("Cancelled ChatGPT Plus yesterday, bought Lite today. Any regrets coming?", "cancel_deadline"),
    ("How do I upgrade from Lite to Pro? And can I upgrade mid-cycle or do I have to cancel first?", "cancel_deadline"),
    ("My system prompt is ~3k tokens on glm-4.7 through the general API. Does context caching kick in automatically?",
     "api_cost"),
])
def test_the_reviews_of_round_19s_near_misses_stay_clear(message, never):
    answer = rules(message)
    assert answer is None or never not in [answer.trace.get("intent"), *answer.trace.get("also", [])], answer


@pytest.mark.parametrize("message, absent", [
    ("我 API 余额还剩 3 块，Pro 多少钱一个月？", "from 3 USD per month"),
    ("Vision MCP: I want it to analyze a screen recording. It's a 10m long mp4 but only 6.5MB, will it work?",
     "over that limit"),
    ("my video is 5MB (mp4), but the screenshot I also passed is 12MB png. vision mcp video_analysis fails, why?",
     "over that limit"),
    ("Claude Code getting 429 all afternoon on Lite. Is this a quota thing? No error code visible, just 'API Error: 429'",
     "not your prompt quota"),
    ("opencode 里 glm-4.7 回复的还是很短，没写完就结束了，max_tokens 要在哪设置？", "/models"),
    ("which tool should I use for the vision mcp, claude code or cline? I want to compare screenshots of UI before and "
     "after a change", "ui_to_artifact"),
    ("which version of node do I need for the vision mcp?", "0.1.2"),
    ("Z_AI_MODE is set to ZAI in my vision mcp env and it still fails with connection closed. What's required besides "
     "that?", "configuration sets Z_AI_MODE=ZAI"),
    ("I use Cline about 2h a day on weekends only. Is Lite the right choice or is Pro worth it?", "API Provider"),
])
def test_the_reviews_of_round_19s_diagnoses_stay_out_of_what_was_not_reported(message, absent):
    answer = rules(message)
    assert answer is None or absent not in answer.text, answer.text


@pytest.mark.parametrize("message, task", [
    ("could you make the usage page in the z.ai app show daily totals? right now I only see the 5h window", False),
    ("帮我写一份退款申请邮件，我昨天手滑买成了 Max 包年，一次都没用过", False),
    ("Can you write me a python script that calls glm-4.7 with streaming? just the minimal example from your docs", False),
])
def test_a_question_of_ours_worded_as_a_task_is_no_task(message, task):
    assert analyse(message, SETTINGS.corpus_dir).task_request is task


def test_a_question_naming_anthropic_is_anthropics_and_a_china_plan_bought_stays_chinas():
    assert analyse("I'm replacing my Claude Max subscription with your Pro plan. How do I get a refund from Anthropic "
                   "for the 20 days I have left?", SETTINGS.corpus_dir).other_vendor
    assert analyse("I bought my coding plan on open.bigmodel.cn. In Cline the options list shows "
                   "https://api.z.ai/api/coding/paas/v4 and https://open.bigmodel.cn/api/coding/paas/v4, which one?",
                   SETTINGS.corpus_dir).china_platform


@pytest.mark.parametrize("message, expected, must", [
    # one pot or one each, with the held plan's figure for the pool
    ("Lite plan question. Claude Code in one terminal, Cline in VS Code, Crush on my laptop. Does each tool get its own "
     "~80 prompts per 5h window, or is it all one pot?", "shared_quota", "Lite: up to ~80 prompts every 5 hours in all"),
    # the Node.js each named page requires, not the plan's upgrade rules or its MCP counts
    ("公司跳板机 node 只有 v16。要去找运维申请升级 Node，得写清楚：Claude Code 和这个视觉 MCP 分别最低要求 Node 多少版本？Pro 包季。",
     "node_version", "Node.js 22"),
    ("which node version does the vision mcp server need? I have v20", "node_version", "Node.js 22 or newer"),
    # an error's own words name the parameter through the error page's template
    ("Cherry Studio, Pro plan. 400 {\"error\":{\"code\":\"1215\",\"message\":\"temperature and top_p cannot be set "
     "simultaneously, please check the documentation\"}} Which of the two should I keep?", "troubleshoot", "`top_p` (number)"),
    ("general API pre-commit hook, request body has \"request_id\": \"precommit-hook\". Now every commit: "
     "{\"error\":{\"code\":\"1231\",\"message\":\"You already have a request: precommit-hook\"}} what is request_id for?",
     "troubleshoot", "needs to be unique"),
    ("old langchain script, model=\"glm-4-plus\": {'error': {'code': '1221', 'message': 'API glm-4-plus has been taken "
     "offline'}} what's a current model name I can use?", "troubleshoot", "allowed: `glm-4.7`"),
])
def test_round_20s_ways_of_writing_get_the_rule_they_ask(message, expected, must):
    answer = rules(message)
    assert answer is not None and (answer.trace.get("intent") or answer.trace.get("layer")) == expected, answer
    assert must in answer.text


@pytest.mark.parametrize("message, never", [
    ("I need ops to upgrade Node to 22 for the vision MCP; how do I upgrade claude code itself to the latest version?",
     "cross-tier"),
    ("升级一下 Claude Code 版本要重新配置 key 吗？", "跨档位"),
    ("ok totally unrelated to my Pro plan but you're an AI so whatever: `kubectl describe hpa` says missing request for "
     "cpu and our namespace has a ResourceQuota of 6 cpu. is the quota the problem? like a 5 hour window thing lol",
     "prompts"),
    ("Zread MCP: how many calls do I get a month on Pro, and which node version does it need?", "Node.js 22"),
    ("vision mcp on Pro: how many calls per month? is the version 0.1.2 required?", "needs Node.js"),
])
def test_round_20s_near_misses_stay_clear(message, never):
    answer = rules(message)
    assert answer is None or never not in answer.text, answer.text


def test_a_plan_set_aside_and_kubernetes_as_the_subject_are_another_products():
    assert analyse("totally unrelated to my Pro plan: our HPA won't scale, kubectl says missing request for cpu",
                   SETTINGS.corpus_dir).other_vendor
    assert not analyse("my k8s cluster runs claude code agents on the Pro plan; how many prompts per 5 hours do I get?",
                       SETTINGS.corpus_dir).other_vendor


@pytest.mark.parametrize("message, expected, must", [
    # credits moved to another person's account, or spent on it, in either language
    ("I have $38.40 in referral credits. 我弟刚注册 z.ai 想买 Lite 包月，能不能把我的 credits transfer 到他的账号，或者我直接用我的 "
     "credits 帮他的账号付？", "referral_withdraw", "不能转让"),
    ("can I use my credits to pay for my brother's Lite plan?", "referral_withdraw", "cannot be withdrawn, transferred"),
    # the GLM-5 multiplier asked to come down, a clause away in Chinese, beside the count
    ("Pro 每 5 小时大概 400 次，全改成 glm-5 等效下来还能发多少次？另外这个倍率是一直这样吗，还是以后会降？", "models", "下调"),
    # a round's payments told as one total: its share; the base reward asked beside the rounds
    ("28 successful invites, two more this week. Across those 30 friends the first-order actual payments add up to $720. "
     "Is there a bonus when I hit 30, and how much would that be on $720?", "referral_tier", "10% of $720 is $72"),
    ("成功邀请 58 人了。满 60 人还有第二轮额外奖励吗？每个人那 30% 的基础返利有没有封顶？", "referral_tier", "首单实际支付金额的 30%"),
])
def test_round_20s_further_ways_of_writing_get_the_rule_they_ask(message, expected, must):
    answer = rules(message)
    assert answer is not None and answer.trace.get("intent") == expected, answer
    assert must in answer.text


@pytest.mark.parametrize("message, expected", [
    # a thing the docs never name asked of the plan: no pointer rule answers it
    ("Chat already works on the coding endpoint (apiBase https://api.z.ai/api/coding/paas/v4). Does the GLM Coding Plan "
     "include any embedding model? coding 端点上有没有 /embeddings 可以用？", None),
    ("Is there a management API (or a Terraform provider) to create / rotate / delete z.ai API keys programmatically?", None),
    # the pointers still answer what the docs name
    ("which endpoint does the coding plan use for Cline?", "endpoint"),
    ("where do I create an API key for the coding plan?", "api_key_where"),
    ("my credits: can they pay for my own Pro renewal?", "fee_order"),
])
def test_a_thing_the_docs_never_name_gets_no_pointer(message, expected):
    answer = rules(message)
    assert (answer.trace.get("intent") if answer else None) == expected, answer


@pytest.mark.parametrize("message, must", [
    # a server's tool asked by name, by what it returns, or by the task, on every MCP page
    ("Claude Code + web-search-prime MCP. I want to pre-approve only the search tool in permissions.allow. What's the "
     "exact tool name the z.ai search server exposes?", "`webSearchPrime`"),
    ("web-search-prime configured as a remote MCP in OpenCode: does the search tool return the result URLs? and what "
     "does webReader give back besides the text?", "`webReader` — Fetch webpage content"),
    ("Lite plan, zread MCP in Claude Code. Which zread tool should it call to see a repo's recent issues, PRs and "
     "contributors?", "`search_doc`"),
])
def test_an_mcp_servers_tool_asked_gets_its_pages_line(message, must):
    answer = rules(message)
    assert answer is not None and must in answer.text, answer


def test_a_pasted_server_config_shown_to_be_checked_gets_the_setup_beside_the_tool_line():
    # "Is the usage simply like this: {mcpServers...}" asks the config too: the page's endpoint and header
    message = ("web search MCP through a local proxy. Does the proxy keep the name of the tool from z.ai (webSearchPrime)?\n"
               "Is the usage simply like this:\n"
               "\"mcpServers\": { \"web-search-prime\": { \"type\": \"http\", \"url\": "
               "\"http://127.0.0.1:8045/mcp/web_search_prime/mcp\" } }")
    answer = rules(message)
    assert answer is not None and "`webSearchPrime`" in answer.text, answer
    assert "https://api.z.ai/api/mcp/web_search_prime/mcp" in answer.text and "Authorization: Bearer" in answer.text
    # the same paste with only the tool's name asked keeps to its line
    bare = rules(message.replace("Is the usage simply like this:", "My config:"))
    assert bare is not None and "`webSearchPrime`" in bare.text and "Authorization: Bearer" not in bare.text, bare


@pytest.mark.parametrize("message", [
    "webReader returns empty for like half the URLs I feed it while the other half work fine. great.",
    "web search mcp returns empty results every time in Claude Code. Other searches work.",
])
def test_a_tool_returning_nothing_is_its_pages_troubleshooting_not_its_line(message):
    answer = rules(message)
    assert answer is None or "tool for that" not in answer.text, answer.text


@pytest.mark.parametrize("message, must", [
    # the key sent under another header's name: the server receives none
    ("testing the coding endpoint with curl:\n```\n$ curl -s https://api.z.ai/api/coding/paas/v4/chat/completions "
     "-H \"Content-Type: application/json\" -H \"Authorisation: Bearer 4b7e****\" -d '{\"model\":\"glm-4.7\"}'\n"
     "{\"error\":{\"code\":\"1001\",\"message\":\"Authentication parameter not received in Header\"}}\n```\n"
     "does 1001 mean my key is wrong?", "header named \"Authorisation\""),
    # the friend's earlier purchase told in the story answers "does he count as a new user?"
    ("拉了个前同事用我的邀请链接买 Pro 包月，72 小时内付的款，订单也没退。后来一问，他去年 9 月其实买过一次 Lite 包月，后来没续。\n\n"
     "这种还算不算新用户？", "不是新用户"),
    ("my friend used my link for Pro; she bought Lite once last year and let it lapse. does she count as a new user?",
     "not a new user"),
])
def test_round_20s_stories_decide_the_answer(message, must):
    answer = rules(message)
    assert answer is not None and must in answer.text, answer


@pytest.mark.parametrize("message, never", [
    ("朋友用我的链接买了 Pro，他从来没买过任何订阅，只充过 API 余额。他算新用户吗？", "不是新用户"),
    ("my friend paid Pro via my link. he never bought any plan before, just used the API. does he count as a new user?",
     "not a new user"),
    ("curl -H \"Authorization: Bearer abc\" https://api.z.ai/api/paas/v4/chat/completions returns 1001, why?", "header named"),
])
def test_round_20s_stories_near_misses(message, never):
    answer = rules(message)
    assert answer is None or never not in answer.text, answer.text


# The reviews of round 20's changes: messages of the reviewers' own that the changes answered worse, each kept right
@pytest.mark.parametrize("message, expected, must", [
    ("I've invited 31 friends in total, each paid $18 for Lite. How much do I get including the 30-friend bonus?",
     "referral_tier", "$221.40"),
    ("The first-order payments of my 30 friends total 1,350 USD. What's the tier bonus?", "referral_tier", "$135"),
    ("How do I upgrade my package from Lite to Pro? Will my remaining days carry over?", "upgrade_rules", "pro-rated"),
    ("Pro 版本多少次 web search？web reader 也算在里面吗？", "mcp_quota", "1,000"),
    ("Is there a Singapore endpoint, or an EU endpoint closer to me?", "regional_endpoint", "Singapore"),
    ("Which tools are supported? Does the plan support Sublime Text?", "supported_tools", "Claude Code"),
    ("Is there something like a Kubernetes ResourceQuota for my monthly web searches? I keep running out.", "mcp_quota",
     "1,000"),
    ("Can I use my credits for another month of Pro?", None, ""),
    ("Cherry Studio keeps showing this error: temperature and top_p cannot be set simultaneously. Is that some kind of "
     "rate limit?", "troubleshoot", "1215"),
    ("1215: `top_p` and `do_sample` cannot be set simultaneously. What's do_sample for?", "troubleshoot", "`do_sample`"),
])
def test_the_reviews_of_round_20s_changes_keep_the_rule_they_ask(message, expected, must):
    answer = rules(message)
    got = (answer.trace.get("intent") or answer.trace.get("layer")) if answer else None
    if expected is None:
        assert answer is None or "transferred" not in answer.text, answer.text
        return
    assert got == expected, answer
    assert must in answer.text


@pytest.mark.parametrize("message, never", [
    ("How many prompts does each plan get? I use Claude Code and Cline.", "One pool"),
    ("For the same refactoring task, which one burns fewer prompts, Claude Code or Kilo Code?", "One pool"),
    ("My buddy and I split one Pro plan, he uses Cline and I use Claude Code. Do we each get our own 400 prompts?",
     "One pool"),
    ("Do my credits transfer over when I upgrade from Lite to Pro?", "cannot be withdrawn"),
    ("我邀请的朋友帮他的账号订阅了 Pro，我的积分什么时候到？", "不能转让"),
    ("I've invited 12 friends in total, each paid $10. When does the bonus kick in?", "10% of $10"),
    ("My dashboard says I have $95 in total credits after 30 invites. Is the 30-friend bonus included in that?", "10% of $95"),
    ("What's the exact name I should put as Extension Name in Goose for web reader?", "tool for that"),
    ("For the web search MCP, what's the exact name of the auth header?", "tool for that"),
    ("Which tools can I use the web search MCP with? Goose?", "tool for that"),
    ("What does the web reader return for a PDF link?", "tool for that"),
    ("What do I get back from the web reader when the site blocks scraping?", "tool for that"),
    ("Which vision MCP tool compares two UI screenshots?", "`ui_to_artifact`"),
    ("Can I deploy the Vision MCP server in our k8s cluster so the whole team can use it?", "I can only help"),
])
def test_the_reviews_of_round_20s_near_misses_stay_clear(message, never):
    answer = rules(message)
    assert answer is None or never not in answer.text, answer.text


@pytest.mark.parametrize("message, must", [
    # what a question asks the Coding Tool Helper to do: its page's command for it
    ("ran `npx @z_ai/coding-helper` on Fedora and went through the wizard, all green, but claude still shows the login "
     "screen. Is there a built-in way to make it check the system config / tool status so I can see what's broken?",
     "`coding-helper doctor`"),
    ("Ansible provisioning, no TTY: `npx @z_ai/coding-helper` waits for arrow keys forever. Is there a non-interactive "
     "command to set the key for the global plan and then push it into Claude Code?", "`coding-helper auth reload claude`"),
    ("旧电脑上是 `npm i -g @z_ai/coding-helper` 装的 chelper，交给实习生之前想把 key 清干净。coding-helper 里存的那个 key 有没有命令能"
     "直接删掉？", "`coding-helper auth revoke`"),
])
def test_the_helpers_command_for_the_task_asked(message, must):
    answer = rules(message)
    assert answer is not None and must in answer.text, answer


@pytest.mark.parametrize("message, never", [
    # a command the message quotes, or one for Claude Code asked of another tool, is not the answer
    ("Claude Code and opencode set up with `npx @z_ai/coding-helper`. Can coding-helper manage Factory Droid too? if yes, "
     "how do I push the plan into it — I see `auth reload claude` in the help, is there an equivalent?", "command list"),
    ("I used npx @z_ai/coding-helper last week. How many prompts do I get on Pro every 5 hours?", "command list"),
])
def test_the_helpers_commands_stay_out_of_other_questions(message, never):
    answer = rules(message)
    assert answer is None or never not in answer.text, answer.text


@pytest.mark.parametrize("message, never", [
    # the second review: an error's wording only where an error is shown, ids that look like ids
    ("The API key does not exist in my dashboard anymore after I rotated it. How do I create a new one?", "Error 1222"),
    ("You already have a request pending with support, they said. What's my ticket number?", "1231"),
    ("Streaming and thinking cannot be set simultaneously? I want both in Claude Code.", "1215"),
    ("ANTHROPIC_AUTH_TOKEN and ANTHROPIC_API_KEY cannot be set simultaneously? Which one does Claude Code need for Z.ai?",
     "1215"),
    # the helper's commands: about the helper, doing what is asked, not another tool's settings
    ("How do I make Claude Code reply in English instead of Chinese?", "lang set"),
    ("How do I check which key coding helper stored?", "auth revoke"),
    ("I used coding helper. How do I configure the key for Cline manually?", "command list"),
    ("I set up with the coding helper. Is my plan the Global one or the China one?", "glm_coding_plan_global"),
    # Anthropic's own header on its protocol's endpoint is no misspelling
    ("curl https://api.z.ai/api/anthropic/v1/messages -H \"x-api-key: abc\" returns 401, why?", "header named"),
])
def test_the_second_review_of_round_20s_changes_stays_clear(message, never):
    answer = rules(message)
    assert answer is None or never not in answer.text, answer.text


@pytest.mark.parametrize("message, must", [
    ("Each of my 30 friends paid $6 for Lite; their payments total $180. How much tier reward?", "10% of $180 is $18"),
    ("30 friends each paid $30; the orders total $900. Extra reward?", "10% of $900 is $90"),
])
def test_a_round_total_is_the_number_its_total_names(message, must):
    answer = rules(message)
    assert answer is not None and must in answer.text, answer


def test_the_cancel_answer_says_auto_renewal_as_the_faq_does():
    """"Nowhere did it say it auto-renews. How do I switch this off?": the FAQ's own word for what cancelling avoids."""
    answer = answer_rules("Got charged for a quarterly renewal I never asked for. How do I switch this off so it doesn't "
                          "happen again?", [], SETTINGS, facts=FACTS)
    assert answer is not None and "auto-renewal" in answer.text, answer and answer.text


@pytest.mark.parametrize("message, fact", [
    ("Used roughly 2M tokens of glm-4.5-air over the API yesterday and today, but my balance still says $25.00 and the "
     "billing page shows nothing for today. Is billing broken? Am I going to get hit with a big bill later?", "billing.delay"),
    ("我想把我的 Pro 包月账号借给女朋友用，她在自己笔记本上登我的号。这算违规吗？真被查到会怎样，会不会连我剩下的会员时间一起没了？",
     "sub.no_transfer"),
])
def test_questions_naming_no_subject_ask_about_the_situation_told_when_one_is_short(message, fact):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is not None and fact in answer.trace["facts"], answer and (answer.text, answer.trace)


@pytest.mark.parametrize("message, refund", [
    ("Invited a colleague with my referral link on Feb 3. She paid for Lite on Feb 7. Zero credits in my Transaction "
     "History. She has never subscribed before and the order was not refunded. What happened? Anything I can do?", False),
    ("邀请的朋友买了 Lite，订单也没有退款，可是我的积分一直没到账，怎么回事？", False),
    # a refund asked for beside the credits is still one
    ("Referral credits aside: I was charged twice for Pro and it was not refunded yet. Can I get my money back?", True),
    ("Charged twice for Lite, the second charge wasn't refunded. I signed up through an invite link. Can you check?", True),
    ("Invited my colleague, her order has not been refunded, she wants it refunded because she bought by mistake. How "
     "does she do that?", True),
])
def test_an_invites_condition_told_met_is_no_refund_question(message, refund):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert (answer is not None and answer.trace.get("intent") == "refund") == refund, answer and answer.text


@pytest.mark.parametrize("message", ["她作为被邀请人首单能打几折？", "被邀请的人买 Lite 打折吗？"])
def test_the_invited_friends_discount_asked_as_a_rate(message):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is not None and "ref.friend_discount" in answer.trace["facts"], answer and answer.text


@pytest.mark.parametrize("message", [
    "I paid for Lite with credits plus my card, and the order was not refunded even though I asked the same day. I want a "
    "refund now.",
    "I was charged twice on my credit card for Pro this morning. The duplicate was not refunded after 3 days. I want the "
    "second charge refunded.",
    "Your FAQ says no refunds, but I only used it for one day and paid with credits. Refund please.",
])
def test_refund_complaints_naming_credits_or_cards_are_still_refund_questions(message):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is not None and "sub.refund" in answer.trace["facts"], answer and answer.text


@pytest.mark.parametrize("message", ["朋友用我的邀请码买了 Pro，我的返利按打折后的金额算吗？",
                                     "被邀请人打折的订单 24 小时内退款了，我的积分还算吗？",
                                     "被邀请人能打折，那邀请人自己有没有打折？",
                                     "邀请好友的活动我知道了。不考虑邀请，新用户首单本身能打几折？"])
def test_a_discount_asked_of_the_reward_or_the_first_purchase_is_not_the_friends(message):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is None or "ref.friend_discount" not in answer.trace["facts"], answer.text


@pytest.mark.parametrize("message", [
    "我在 2 月 1 号买的 Pro 包月，开了自动续费。会变吗？另外请问你们的服务器是在国内还是海外，延迟大概多少？",
    "Bought Pro monthly on Jan 25 with auto-renew on. Changes for me? Separately, does Z.ai have an office in Europe for "
    "invoicing reasons?",
])
def test_a_long_question_opened_as_another_topic_keeps_the_story_from_answering_the_short_one(message):
    assert answer_rules(message, [], SETTINGS, facts=FACTS) is None


@pytest.mark.parametrize("message, measures", [
    ("我想把我的 Pro 包月账号借给女朋友用。这算违规吗？真被查到会怎样？", True),
    ("Can my friend use my Pro plan on his laptop? What happens if you find out, will we get banned?", True),
    ("我想把我的 Pro 包月账号借给女朋友用，可以吗？", False),
])
def test_a_plan_lent_and_what_happens_if_found_out_gets_the_terms_measures(message, measures):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is not None and "sub.no_transfer" in answer.trace["facts"], answer and answer.text
    assert ("terms.measures" in answer.trace["facts"]) == measures, answer.text


# Near misses of this round's mechanisms, found by review
@pytest.mark.parametrize("message, must", [
    # a discount in tenths that describes the amount paid is not taken off it again
    ("朋友用我的邀请链接买了 Pro 季付，$81（相当于 9 折），我返利多少？", "$24.30"),
    ("朋友用我的链接付了 $27（已经是 9 折后的价格），我返利多少？", "$8.10"),
    # two deductions of the same size are two
    ("My friend bought Pro at $30 through my invite link, used a $3 coupon and $3 of credits. How much do I get?", "$7.20"),
    # the payment said beside which amount counts is still worked out
    ("Full price $30 or so, he actually paid $27 with the invite discount. How much credit do I get?", "$8.10"),
    ("Pro $30 打 9 折后他实际付了 $27，我能拿多少返利？", "$8.10"),
])
def test_a_reward_is_worked_out_on_the_amount_actually_paid(message, must):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "referral_reward" and must in answer.text, answer


@pytest.mark.parametrize("message, never", [
    ("浏览器缓存清了重新登录，刚才那几个请求算不算进额度？", "缓存命中"),
    ("命中 1308 之后再发的请求算不算进 5 小时额度？", "缓存命中"),
    ("When will his 10% discount show up on his invoice?", "24–48"),
    ("我 3 号注册，7 号付款，是我自己的订阅，跟邀请无关。我想问续费是几号？", "72 小时的期限"),
])
def test_words_near_this_rounds_triggers_ask_something_else(message, never):
    answer = rules(message)
    assert answer is None or never not in answer.text, answer.text


def test_a_late_payment_told_by_dates_answers_what_the_reward_would_be():
    answer = rules("朋友 1 号用我的链接注册，5 号才付款。我能拿多少返利？他付了 $30")
    assert answer is not None and answer.trace["intent"] == "referral_qualifies" and "72" in answer.text, answer


def test_an_upgrade_made_keeps_the_question_about_it():
    assert intent("Upgraded Lite to Pro yesterday. Is my weekly limit now the Pro one or still Lite's?") == "upgrade_rules"


@pytest.mark.parametrize("message, figure", [
    ("Pro is $30 a month, right? Will I get an email reminder before it renews?", "$30"),
    ("Lite 的 100 次 web search/reader 是 per month 对吧？那是每个自然月 1 号 reset，还是按我的订阅日期（17 号）算？", "100"),
])
def test_a_figure_confirmed_beside_a_date_asked_keeps_the_figure_and_says_the_date_is_open(message, figure):
    answer = rules(message)
    assert answer is not None and figure in answer.text and re.search(r"docs don't say|文档没有写明", answer.text), answer


@pytest.mark.parametrize("message", [
    "how do I switch gemini cli to my workspace account's quota? getting 'Quota exceeded for quota metric gemini-2.5-pro "
    "requests' after like 20 requests",
    "o1-pro keeps saying my quota is exceeded in ChatGPT, how many requests do I get?",
])
def test_a_plan_word_inside_a_models_name_names_no_plan(message):
    answer = rules(message)
    assert answer is None or "prompts every 5 hours" not in answer.text, answer.text


@pytest.mark.parametrize("message, both", [
    ("api price for glm-4.7 per 1M tokens in/out? and 4.5-air?", ("GLM-4.7", "GLM-4.5-Air")),
    ("glm-4.7 api 价格多少？4.6 呢？", ("GLM-4.7", "GLM-4.6")),
])
def test_a_follow_up_naming_a_model_by_its_version_alone_gets_its_price_too(message, both):
    answer = rules(message)
    assert answer is not None and all(model in answer.text for model in both), answer


def test_a_price_of_four_and_a_half_dollars_is_no_model():
    assert "glm-4.5" not in normalise("glm-4.7 costs $4.5 per what?")


@pytest.mark.parametrize("message, never", [
    # the invite's own purchase, or a friend who never bought, is no earlier purchase
    ("My friend subscribed to Lite through my link last month and paid $18. How much credit do I get?", "not a new user"),
    ("My coworker bought Pro using my invite link back in December. When will my credits arrive?", "not a new user"),
    ("我同事从来没有买过任何套餐，用我的链接买了 Pro，付了 $30，我能拿多少返利？", "不是新用户"),
])
def test_the_invites_own_purchase_is_no_earlier_one(message, never):
    answer = rules(message)
    assert answer is None or never not in answer.text, answer.text


def test_a_friend_who_never_bought_is_no_earlier_purchase():
    assert intent("我朋友从来没买过套餐，用我的链接买了 Lite，积分啥时候到账？") == "referral_issuing"


def test_a_key_shared_by_a_small_team_told_in_a_story_is_the_personal_plan():
    answer = rules("We're a 5-dev agency. Plan was one Max annual and putting the key in our shared 1Password vault so "
                   "everyone's Claude Code uses it — 1600 prompts per 5h should easily cover the five of us. Is that ok?")
    assert answer is not None and answer.trace["intent"] == "personal_plan", answer


@pytest.mark.parametrize("message", [
    "I use the plan in Claude Code and Cline on everyone's favourite editor. How many prompts do I get on Pro?",
    "Pro plan. The two of us are comparing notes: does Pro get 400 prompts every 5 hours?",
])
def test_other_people_named_without_a_plan_shared_is_no_sharing(message):
    assert intent(message) != "personal_plan"


@pytest.mark.parametrize("message", [
    "去年 12 月 20 号买的 Lite 月付，之后就没管过，结果这个月信用卡又被扣了一笔。原来默认就是自动续费的？那年付的到期也会自动续吗？",
    "I bought Lite monthly last year and it renewed again. Does an annual plan auto-renew too?",
])
def test_a_cycle_asked_beside_another_told_gets_the_renewal_term(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "renewal" and re.search(r"same duration|原订阅期相同", answer.text), answer


def test_one_cycle_told_and_asked_gets_no_renewal_term():
    answer = rules("My Lite monthly renewed again this morning. Will it keep auto-renewing every month?")
    assert answer is not None and "same duration" not in answer.text, answer


@pytest.mark.parametrize("message", [
    "Is there an official Docker image for the Vision MCP server, so we can run it in our air-gapped dev containers?",
    "Does the web reader MCP keep a log of the pages it fetched for us?",
    "视觉理解 MCP 是开源的吗？源码在哪能看到？",
])
def test_a_server_named_without_a_setup_ask_gets_no_setup_line(message):
    """A server named, nothing failing, no way to set it up asked: its setup line answers a different question."""
    assert rules(message) is None


@pytest.mark.parametrize("message, line", [
    ("How do I add the web reader MCP to Claude Code?", "Web Reader MCP: a remote HTTP server"),
    ("视觉理解 MCP 怎么配置？", "Vision MCP：本地服务"),
    ("web search MCP fails with 401 in Claude Code, any idea?", "Web Search MCP"),
])
def test_a_server_asked_how_to_set_up_or_failing_gets_its_setup_line(message, line):
    answer = rules(message)
    assert answer is not None and line in answer.text


@pytest.mark.parametrize("message", [
    "Using Kilo Code on the coding endpoint. Is preserved thinking already on there by default, or do I have to send "
    "clear_thinking: false myself?",
    "我们自己的 agent 走通用 API（https://api.z.ai/api/paas/v4），多轮之后模型像失忆一样。听说 coding plan 那边默认会保留之前的思考，"
    "API 这边要加什么参数？",
])
def test_keeping_earlier_reasoning_asked_gets_the_thinking_guides_sentence(message):
    """Preserved thinking is the Thinking Mode page's subject (on by default on the coding endpoint, `clear_thinking:
    false` on the API, reasoning_content sent back), not the API reference's `thinking` parameter."""
    answer = rules(message)
    assert answer is not None and "thinking.preserved" in answer.trace["facts"]
    assert "enabled by default on the Coding Plan endpoint" in answer.text and '"clear_thinking": false' in answer.text
    assert "`thinking` (object)" not in answer.text


def test_turning_thinking_off_in_a_request_still_gets_the_parameter():
    answer = rules("On the general API with the openai python SDK, glm-4.7 always thinks first. How do I turn "
                   "thinking off in the request body?")
    assert answer is not None and "`thinking` (object)" in answer.text
    assert "thinking.preserved" not in answer.trace["facts"]


@pytest.mark.parametrize("message, zh", [
    ('My Pro renewal date shows "Mar 14". Is that midnight UTC or Beijing time? I want to cancel as late as possible.',
     False),
    ("1308 报错里那个 reset at 的时间是 UTC 还是北京时间", True),
    ('Kilo Code 里报：\n```\n429 {"error":{"code":"1308","message":"已达到 5 小时的使用上限。您的限额将在 2026-02-23 03:12:45 '
     '重置。"}}\n```\n这个 03:12:45 是北京时间还是 UTC？我人在温哥华（UTC-8）。', True),
    ("glm-5 peak hours in which timezone? I'm on Max in Berlin.", False),
])
def test_a_time_zone_asked_is_said_to_be_open_with_a_person_to_ask(message, zh):
    """No page names the time zone of a date or a reset time: the rule's answer to the rest says so, before its sources."""
    answer = rules(message)
    assert answer is not None and answer.route == "rules" and answer.offer_human
    open_line = "这些日期和时间按哪个时区计算，文档没有写明。" if zh else "Which time zone these dates and times are in, the docs don't say."
    assert open_line in answer.text and SETTINGS.support_url in answer.text
    assert answer.text.rstrip().splitlines()[-1].startswith("(来源" if zh else "(Source")


@pytest.mark.parametrize("message", [
    "when does the weekly quota reset, Monday 00:00 UTC or what?",  # a time in UTC told, no zone asked
    "I'm in UTC+8: how many prompts does Pro get every 5 hours?",
])
def test_a_time_zone_told_in_passing_asks_none(message):
    answer = rules(message)
    assert answer is not None and "time zone" not in answer.text


@pytest.mark.parametrize("message", [
    "is vision available on the cheapest plan?",
    "Lite 套餐有联网搜索吗？",
    "Does Lite support the web reader MCP?",
    "官网最基础那个版本不支持视觉和搜索，可以买一个基础版作为主要文本模型，视觉和搜索用自己配的免费的模型。",  # a claim, no question
])
def test_whether_a_plan_has_a_server_gets_all_plans_and_their_amounts(message):
    answer = rules(message)
    assert answer is not None and answer.trace["intent"] == "mcp_list" and "mcp.all_plans" in answer.trace["facts"]
    assert re.search(r"All plans include|所有套餐都有", answer.text) and "Lite 100" in answer.text


@pytest.mark.parametrize("message", [
    "Lite 每月那 100 次联网搜索我想省着用。webSearchPrime 每次返回的结果里都有哪些字段？只有链接吗，有没有摘要",
    "Pro plan, Claude Code + zai-mcp-server (vision). I want the agent to compare before.png and after.png and tell me "
    "what drifted. Does the vision server have a compare tool?",
])
def test_what_a_server_does_is_no_question_whether_a_plan_has_it(message):
    assert intent(message) != "mcp_list"


@pytest.mark.parametrize("message", [
    "I have a z.ai subscription, added it to opencode, but when I try to use it, and start chat, I have no reply. I can "
    "check stats and this API was never used",
    "If you're using a free z.ai account, you only get responses with GLM 4.7 Flash. Other extensions at least show an "
    "error about insufficient funds.",
])
def test_a_failure_told_with_no_question_gets_no_quota_or_refund_rule(message):
    assert intent(message) not in ("quota_reset", "refund", "usage_check")
