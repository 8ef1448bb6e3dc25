"""Troubleshooting as a table: a subscriber's message (pasted errors, configs, their tool) -> the diagnosis.

Every row is written from the docs: the error-code page (api-reference-errors), the FAQ's 1113 answer (supported
tool, plan endpoint, plan models), the tools' own setup pages. `must` are regexes the answer must contain,
`must_not` ones it must not.
"""

from __future__ import annotations

import re

import pytest

from helpdesk.message import analyse
from helpdesk.rules import answer_rules
from helpdesk.rules.facts import load_facts
from helpdesk.rules.troubleshoot import diagnose
from helpdesk.settings import Settings
from tests.test_rules_chinese import ENGLISH_RUN, VERBATIM

SETTINGS = Settings.from_env({})
FACTS = load_facts(SETTINGS.facts_path)  # read once, as a Helpdesk holds them
CODING = r"api\.z\.ai/api/coding/paas/v4"
ANTHROPIC = r"api\.z\.ai/api/anthropic"

CASES = [
    ("What does error code 1113 mean?", [r"arrears", r"recharge"], []),
    # Claude Code's login asked to be skipped, a router named only as not used
    ("不用ccr的话，使用Claudecode必须登录。这有方法跳过吗\n\n新版登录才能用", [r"Do you want to use this API key",
                                                           r"ANTHROPIC_AUTH_TOKEN"], []),
    # an error saying the account has no plan: the quota is a subscription's; the key alone is the general API
    ("Feature Request: usage bar\nz.ai API error: 当前用户不存在coding plan\n\nI only have an API key but is not extracting "
     "the balance properly.", [r"no GLM Coding Plan", r"billed separately", r"api\.z\.ai/api/paas/v4"], []),
    # a remote server's tool reported missing: the tool its page names, in the page's words
    ('zai-cli search fails: {"success":false,"error":"MCP tool call failed: Tool \'zai.search.webSearchPrime\' not found '
     'in the repository.","code":"API_ERROR"}', [r"names the server's tool `webSearchPrime`", r"Search web information"], []),
    ("https://api.z.ai/api/mcp/web_search_prime/mcp returns 404 not found in my MCP client",
     [r"web_search_prime/mcp"], [r"server's tool"]),
    # an error reported only as a screenshot: its words asked for, with what the plan's own codes mean
    ("GLM-5.1模型运行报错\n[截图]\n用的智谱codingplan", [r"截图我看不到", r"1113", r"1308", r"1309"], []),
    ("GLM-4.7 fails with an error\n<img width=\"591\" alt=\"Image\" src=\"...\" />\non the coding plan",
     [r"no error text or code", r"1308"], []),
    # a code after a comma that follows a word, not a digit
    ("上游配置了智谱，使用了responses，再codex中使用，还是报错，1214，请求参数不合法", [r"1214", r"Invalid"], []),
    # a business code read off the message's words beside the code the body gives: both said
    ('报错{"error":{"code":"401","message":"令牌已过期或验证不正确！"}}', [r"1003", r"HTTP 401"], []),
    # a 429 with no business code shown: the plan's usage limit is one of the codes it carries
    ("I get error 429 Too Many Requests retrying in 59 minutes, ongoing for 8 hours. 4 sessions running in opencode",
     [r"HTTP 429 can mean", r"1308", r"5-hour", r"7 days"], []),
    ("what is error 1302", [r"[Hh]igh concurrency", r"rate-limits"], []),
    ('Cline keeps failing: {"error":{"code":"1113","message":"Insufficient balance or no resource package. '
     'Please recharge."}} I have the Pro plan.', [r"1113", CODING, r"OpenAI Compatible"], [r"\$\d"]),
    ("I'm on the coding plan. My config: base_url = https://api.z.ai/api/paas/v4 and opencode says insufficient "
     "balance", [r"general endpoint", r"Z\.AI Coding Plan", r"opencode auth login"], []),
    ("Claude Code: API Error: 429 {\"error\":{\"code\":\"1302\",\"message\":\"Rate limit reached for requests\"}}",
     [r"1302", r"rate-limits"], [r"arrears"]),
    ('报错 {"error":{"code":"1113","message":"余额不足或无可用资源包,请充值。"}} 我买了 coding plan 套餐',
     [r"1113", CODING], []),
    # an expired plan is the whole diagnosis: no endpoint lecture without an endpoint shown (it used to add one)
    ("Error 1309 in Goose since this morning", [r"expired", r"z\.ai/subscribe"], [r"Anthropic protocol"]),
    ("trae keeps failing with error code 4054, what is 4054?", [r"does not list 4054", r"z\.ai/contact"], [r"means:"]),
    ("how do I set up Cline with the coding plan?", [r"OpenAI Compatible", CODING], []),
    # "set it up", "怎么弄", Cursor named in a Chinese message: the tool's own settings
    ("can I use cursor with the coding plan? how do I set it up", [r"Override OpenAI Base URL", CODING], []),
    ("我想在 opencode 里用 coding plan，怎么弄", [r"opencode auth login", r"Z\.AI Coding Plan"], []),
    ("cursor 能用 coding plan 吗？怎么配置", [r"Override OpenAI Base URL"], []),
    # a tool the docs have no page for: the supported list doesn't name it; the Other Tools page's OpenAI route
    ("Is Zed supported by the coding plan?", [r"doesn't name Zed", CODING], []),
    ("does the coding plan work with LiteLLM?", [r"doesn't name LiteLLM", CODING], []),
    # the key in ANTHROPIC_API_KEY (the docs use ANTHROPIC_AUTH_TOKEN); the China platform's general endpoint
    ('My tool still uses Claude after setup: {"ANTHROPIC_BASE_URL": "https://api.z.ai/api/anthropic", '
     '"ANTHROPIC_API_KEY": "xxxx"} what is wrong?', [r"sets ANTHROPIC_API_KEY", r"ANTHROPIC_AUTH_TOKEN"], []),
    # an MCP server added "to Cursor" gets the page's section for other clients; "how do I use" Zread gets its setup
    # the page has no Cursor section: said so (it had read "In Cursor, as the page sets it up"), then its other-clients one
    ("How do I add the vision MCP to Cursor?", [r"no section for Cursor", r"other clients"], [r"In Cursor, as"]),
    ("zread mcp what is it for? how do I use it with my github repo", [r"api\.z\.ai/api/mcp/zread/mcp"], []),
    ("How do I use Zread MCP?", [r"claude mcp add .*zread"], []),
    ("Gemini CLI with GLM coding plan setup?", [r"Gemini CLI: it speaks the OpenAI protocol", CODING], []),
    ("opencode: which model id should I use for glm 4.7 on the coding plan?", [r"opencode auth login"], []),
    # the quota's own code: no protocol advice for a configuration that works
    ('Claude Code fails: API Error: 429 {"error":{"code":"1308","message":"Usage limit reached for 5 hour."}} on Max',
     [r"1308", r"usage limit"], [r"talks the Anthropic protocol"]),
    # the tool's "/v1" after the base URL; the Anthropic endpoint in an OpenAI-compatible provider
    ("404 page not found when calling https://api.z.ai/api/coding/paas/v4/v1/chat/completions from my tool",
     [r'adds "/v1"', CODING], []),
    ('zed: "Failed to connect to API: 404 Not Found" using base URL https://api.z.ai/api/anthropic with OpenAI '
     "compatible provider", [r"speaks the Anthropic protocol", CODING], []),
    ("ANTHROPIC_BASE_URL=https://api.z.ai/api/coding/paas/v4 in my agent gives 404, what is wrong?",
     [r"^Your tool talks the Anthropic protocol", ANTHROPIC], [r"don't cover this exact problem"]),
    # the option a tool's page names is missing from the tool; logging out of Claude Code's own account
    ('opencode auth login doesn\'t show "Z.AI Coding Plan", only "Z.AI"', [r"Z\.AI Coding Plan", r"opencode auth login"], []),
    ("How do I log out of my Anthropic account in Claude Code so it uses z.ai?", [r"Do you want to use this API key"], []),
    # a status code at the end of a sentence; a Japanese how-to with its tool
    ("When using the GLM Coding Plan with Roo Code, every request after ~10 minutes fails with 429.",
     [r"HTTP 429", r"rate-limits"], []),
    ("GLM-4.7をClaude Codeで使う方法を教えてください。", [r"ANTHROPIC_BASE_URL", ANTHROPIC], [r"使用"]),
    # a server-side status the page does not list: said so, with the page's 500 and a person
    ('API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
     [r"does not list HTTP 529", r"Try again later", r"z\.ai/contact"], []),
    ("getting 502 Bad Gateway from api.z.ai/api/anthropic in claude code", [r"does not list HTTP 502"], []),
    # a base URL on Z.ai's host that is none of its endpoints: a typo, with the plan's two
    ("export OPENAI_BASE_URL=https://api.z.ai/api/coding/pass/v4/ and I get 404 NOT_FOUND, unable to connect",
     [r"coding/pass/v4/ is none of the documented endpoints", CODING], []),
    # a feature request whose words name the quota asks maintainers for something, not for the plans' figures;
    # another product's limits are not the plan's quota
    ("Would it be okay to add basic HUD support (e.g. last 5 hours / monthly usage) for api.z.ai?",
     [r"feature requests", r"glm-plan-usage"], [r"~80 prompts"]),
    ("Support for GLM 4.x\nIs there a way to integrate it into AutoCoder? Claude limits are too fussy these days",
     [r"feature requests|designated", CODING], [r"~80 prompts", r"glm-plan-usage"]),
    ("I have the coding plan, base url https://open.bigmodel.cn/api/paas/v4 in Cline gives insufficient balance",
     [r"China platform", r"don't list open\.bigmodel\.cn", CODING], []),
    ("Claude Code with CODING endpoint https://api.z.ai/api/coding/paas/v4 gives 404, I'm on Lite",
     [ANTHROPIC, r"ANTHROPIC_BASE_URL"], []),
    # the quota going fast: calls per prompt, GLM-5's rate, the weekly cycle, where to watch it
    # (a Chinese message is answered in Chinese: the same figures in the FAQ's terms)
    ("我的5小时额度用得很快，两个问题就用了10%，用的是glm-5，正常吗？", [r"15–20 次模型调用", r"3 倍"],
     [r"weekly", r"每周"]),
    ("My weekly quota burned through 40% in one afternoon with Claude Code on GLM-5",
     [r"3 times", r"every 7 days", r"ANTHROPIC_DEFAULT_SONNET_MODEL", r"glm-plan-usage"], []),
    ("usage keeps draining way too fast on glm-5.3, is that expected?", [r"3 times", r"don't mention GLM-5\.3"], []),
    ("CC Switch 里查询用量一直失败", [r"glm-plan-usage", r"订阅页面"], [r"15–20"]),
    # Claude Code still asking to log in; images; "the other" MCP servers
    ("Claude still asks me to log in after I edited setting.json, what now?",
     [r"Do you want to use this API key", r"new terminal", r"valid JSON"], []),
    ("Claude Code can't read the screenshot I paste, are images not supported?",
     [r"Vision MCP", r"@z_ai/mcp-server", r"Z_AI_API_KEY"], []),
    # over the context window; the MCP tools called from one's own code; the two endpoints compared
    ("OpenCode with glm-4.5-air: error 1210, input tokens exceeds the model's maximum context length",
     [r"128K", r"GLM-4\.5-Air"], [r"200K"]),
    ("上下文超出限制了怎么办", [r"200K"], []),
    ("订阅了 Pro 之后为什么还是按量扣费？", [r"使用条件", CODING], []),
    ("I call the web reader MCP from my own python script with the mcp sdk and get nothing back",
     [r"do not provide any other access", r"billed separately"], [r"claude mcp add"]),
    ("Why does Goose use https://api.z.ai/api/anthropic while my other tool uses https://api.z.ai/api/coding/paas/v4?",
     [ANTHROPIC, CODING, r"one per protocol"], []),
    # what the docs can't settle is said to be outside them, with what they do say
    ("Web Reader MCP stopped working after the latest OpenCode update; downgrading fixed it",
     [r"don't cover changes between versions of OpenCode", r"web_reader/mcp"], []),
    ("Please add GLM Coding Plan support to Cline! I'm a Pro subscriber", [r"OpenAI Compatible", CODING], []),
    ("Roo Code has no Coding Plan option under Z AI Entrypoint, only International and China API. Is my version too "
     "old?", [r"update the plugin to the latest version", r"International Coding Plan"], []),
    # a ban, a locked account, an appeal: what the plan is for, what the terms say may happen, no appeal in the docs
    ("Our account got locked with error 1121 (irregular activities) and we only use Cline. How do we appeal, and how long does "
     "the review take?", [r"1121", r"designated or recognized", r"suspension or termination of services",
                          r"don't say how a single case is reviewed or appealed"], []),
    ("Got a restriction notice for account sharing. My brother and I use the same Z.ai login for Claude Code.",
     [r"reasonably suspects account sharing", r"suspension or termination"], [r"Do you want to use this API key"]),
    ("Are people getting suspended for using the plan for role-play chats? is that allowed at all?",
     [r"designated or recognized", r"reclaim remaining quota"], []),
    ("Will my account get banned if I call the coding plan from my own app?",
     [r"suspension or termination of services", r"You shall not use", r"don't say how a single case is reviewed"], []),
    ("Kilo Code keeps failing on my coding plan:\n```\nUnexpected API Response: empty completion\n```",
     [r"don't cover this exact problem", r"Kilo Code"], []),
    ("The vision MCP works but the other two MCP servers fail to connect", [r"web_search_prime/mcp",
                                                                            r"web_reader/mcp", r"Bearer"], []),
    # the plan against the pay-as-you-go API: its endpoints, and that the general one is billed separately
    ("I have the zai monthly plan, what's the difference with the paid api, just the url?",
     [CODING, ANTHROPIC, r"api\.z\.ai/api/paas/v4", r"billed separately"], [r"\$\d"]),
    ("套餐和API按量付费有什么区别？", [CODING, r"单独计费"], [r"usage conditions", r"使用条件", r"\$\d"]),
    ("What's the difference between GLM coding plan and buying API credits?", [CODING, r"billed separately"], [r"\$\d"]),
    ("coding plan vs pay per token api, which is better for me?", [CODING, r"billed separately"], [r"\$\d"]),
    # a tool the docs don't name: the supported list, and the Other Tools page's OpenAI-protocol route
    ("Can I use the coding plan with GitHub Copilot?", [r"doesn't name GitHub Copilot", r"OpenAI protocol", CODING], []),
    ("I set ANTHROPIC_BASE_URL to https://api.z.ai/api/anthropic but claude code still asks me to log in",
     [r"Do you want to use this API key", r"settings\.json"], []),
    ("opencode 里怎么选择 coding plan 的模型，我只看到 Z.AI 没有 coding plan", [r"Z\.AI Coding Plan", r"opencode auth login"],
     []),
    # a timeout in Claude Code: the FAQ's API_TIMEOUT_MS; a server error on the coding endpoint is not a wrong URL
    ("Claude Code: API Error (Request timed out.) · Retrying in 1 seconds… (attempt 3/10) with glm",
     [r'"API_TIMEOUT_MS": "3000000"', r"50 minutes"], [r"talks the Anthropic protocol"]),
    ("keep getting 500 internal server error from the coding endpoint randomly, is there an issue on your side?",
     [r"HTTP 500", r"Try again later", r"z\.ai/contact"], [r"needs its own base URL"]),
    ("Error 1261: Prompt exceeds max length - how do I fix this in opencode?", [r"context window is 200K"], []),
    # feature requests: the request is a person's; the docs' word on its subject follows
    ("[Feature Request] Support the GLM Coding Plan as a provider in MyAgent, I'm a subscriber",
     [r"don't cover feature requests", r"designated or recognized", CODING, r"billed separately"], []),
    ("[提议]希望加入GLM coding plan的额度监控", [r"不涉及这类功能需求", r"glm-plan-usage", r"每 7 天"], []),
    ("Feature: share my coding plan quota with friends through a link", [r"single account"], [r"glm-plan-usage"]),
    ("Feature: auto-configure the coding plan's MCP servers (web search, web reader, zread) and show their quota",
     [r"web_search_prime/mcp", r"web_reader/mcp", r"zread/mcp", r"1,000"], []),
    ("It would be great if OpenCode could add support for the GLM Coding Plan, I'm subscribed",
     [r"Z\.AI Coding Plan", r"designated or recognized"], []),
    ("Add https://z.ai/subscribe coding plans\nLite Plan: Up to ~120 prompts every 5 hours",
     [r"Lite ~80, Pro ~400 and Max ~1600"], []),
    ('[Bug]: Usage bar shows "No usage data" on a valid GLM Coding Plan key in the status bar extension',
     [r"subscription page", r"glm-plan-usage", r"z\.ai/contact"], []),
    ("Since this was my first time, I subscribed to Max. It didn't solve my problem and my refund request was refused. "
     "An outrageous and unfair term.", [r"non-refundable", r"z\.ai/contact"], [r"^No"]),
    ('zai-cli vision analyze fails: HTTP 400: {"error":{"code":"1210","message":"图片输入格式/解析错误"}} with the vision MCP',
     [r"Error 1210", r"Vision MCP"], []),
    ("我在 Cherry Studio 里能用智谱的 web search MCP 吗，怎么填", [r"没有 Cherry Studio 的专门说明", r"streamable-http"], []),
    ("how do I add the web search MCP to Roo Code?", [r"In Roo Code, as the Web Search MCP page sets it up"], []),
    ("Can I use the Web Search MCP server inside Cursor?", [r"no section for Cursor"], [r"claude mcp add"]),
    # the plan asked for in a tool the docs have a page for: that page's setup, not "the docs don't cover requests"
    ("[Feature] Eigent support for GLM coding plan\nIs there a way to use my z.ai GLM coding plan in Eigent?",
     [r"page for using the plan in Eigent", r"Z\.ai Config", r"api\.z\.ai/api/coding/paas/v4/"], [r"feature requests"]),
    ("[FEATURE] Support z.ai coding plan\nTo be able to provide a z.ai coding plan API key. Can take inspiration from "
     "OpenCode", [r"feature requests"], [r"page for using the plan in OpenCode"]),
    ("Crush: I set ZAI_API_KEY but crush still uses the normal z.ai endpoint and I get charged from balance. How do I "
     "make it use the coding plan?", [CODING, r"usage conditions"], [r"deducted in this order"]),
    # a tool's page values the probe found missing: Cursor's uppercase model name, Crush's Windows path, Kilo's update
    ("cursor keeps telling me the model doesnt exist, i typed glm-4.7 in the custom model box. whats the right model name",
     [r"uppercase, such as GLM-4\.7"], []),
    ("where is the crush config file on windows? cant find it anywhere", [r"%USERPROFILE%"], []),
    ("kilo code doesnt show any \"international coding plan\" option in the entrypoint dropdown?? what do i do",
     [r"update the plugin to the latest version"], []),
    # a router or a tool without a page, however the setup is asked: the supported list and the OpenAI route
    ("how do I configure claude-code-router for the GLM coding plan? which transformer do I use?",
     [r"doesn't name claude-code-router", CODING], []),
    ("can i run claude-code-router with the coding plan key or is that gonna get me banned lol",
     [r"doesn't name claude-code-router", r"designated or recognized", r"suspension or termination of services"], []),
    ("using aider with my glm coding plan, what do i set OPENAI_API_BASE to?", [r"doesn't name aider", CODING], []),
    ("anyone got a continue.dev config for glm 4.7 on the coding plan?", [r"doesn't name continue\.dev", CODING], []),
    # failing to connect in a tool the docs don't name: the same answer, asked or not; a topic with its own page is not
    ("enable z.ai GLM 4.7 with aider\nTrying to use aider with GLM 4.7 but I get this error msg.\n```\nlitellm."
     "BadRequestError: LLM Provider NOT provided.\n```", [r"doesn't name aider", CODING], []),
    # MCP reports the pages answer: no top-up for MCP (every plan has it), a header without Bearer, a stale Vision
    # server, an image pasted into a client other than Claude Code
    ('调用 web search mcp 报错 {"code":"1113","message":"余额不足"}，我明明买了 Pro 套餐啊，是不是 MCP 要另外充值',
     [r"所有套餐都包含", r"Pro 1,000", r"z\.ai/contact"], [r"claude mcp add"]),
    ('$ claude mcp list\nweb-search-prime: https://api.z.ai/api/mcp/web_search_prime/mcp (HTTP) - ✗ Failed to connect\n'
     'I added it with --header "Authorization: 3c9e1b7f.xxxxx" . search doesn\'t work', [r"has no \"Bearer \""], []),
    ("vision mcp only shows image_analysis and video_analysis tools in my client, am I on an old version?",
     [r"cached older version", r"@latest"], []),
    # a tool's cost figure for the plan's calls: the FAQ's "only use your Coding Plan quota", never the balance; a usage
    # display is the usage question, not this one
    ("opencode is showing a price for every prompt ($0.08) although glm-4.7 is a coding plan model, no money was used",
     [r"only use your Coding Plan quota", r"will not deduct from your account balance", r"Billing History"], []),
    ("Crush 里用 coding plan，界面上显示花费了 3 美元，这个费用是真的吗", [r"只会消耗你的 Coding Plan 额度", r"不会扣"], []),
    ("droid 里 /cost 显示这次会话花了 $3.2，可我用的是 GLM 套餐 BYOK，这个 cost 是真扣钱了还是只是估算？",
     [r"只会消耗你的 Coding Plan 额度", r"文档没有说明", r"z\.ai/contact"], [r"Lite 包月"]),
    # a bank's verification app is no app of the subscriber's own: the payment answer, not the terms
    ("top-up keeps failing with my card. it gets to the bank's verification popup, I approve in the app, and then z.ai "
     "says payment failed.", [r"3DS"], [r"You shall not use"]),
    ("/usage with my z.ai coding plan key shows only key status and local spend, no real usage limits. Where do I "
     "see my plan usage?",
     [r"glm-plan-usage"], [r"only use your Coding Plan quota"]),
    # the Vision MCP server's model asked about: the model its page names; one stuck on another model, or chosen by the
    # subscriber, also gets the newest version and that the docs offer no choice of model
    ("内置 Vision MCP（analyze_image）固定 GLM-4.5V，请求升级 GLM-5V 系列或允许自选视觉模型",
     [r"GLM-4\.6V", r"@latest", r"文档没有提到可以自选"], []),
    ("which model is behind the vision mcp server?", [r"GLM-4\.6V"], [r"@latest", r"choosing"]),
    # the Vision server added with the page's placeholder key: remove it before adding it again
    ("zai-mcp-server added with placeholder key. Ran the one-click command and forgot to replace `your_api_key`; "
     "running it again says: MCP server zai-mcp-server already exists in user config", [r"claude mcp remove zai-mcp-server"],
     []),
    # the page's one-line script run on Windows: the page says it does not support Windows
    ('win11 上用 git bash 跑文档里那个一键脚本\ncurl -O "https://cdn.bigmodel.cn/install/claude_code_zai_env.sh" && bash '
     "./claude_code_zai_env.sh\n跑完没报错，但 claude 启动还是让我登录", [r"不支持 Windows", r"coding-helper"], []),
    # a missing option said in a title, or with the dropdown's values in backticks: the page's "update the plugin"
    ("[Roo Code] no coding plan entrypoint for Z AI\nAPI Provider: Z AI\nZ AI Entrypoint dropdown only has "
     "`International Standard` and `China Standard`.", [r"update the plugin to the latest version"], []),
    # the header without Bearer in a JSON config too; the failing server is the one whose config is pasted, and a
    # Vision config without Z_AI_MODE is said to lack it
    ('Crush web reader: invalid access token\n```json\n"mcp": {"web-reader": {"type": "http", "url": '
     '"https://api.z.ai/api/mcp/web_reader/mcp", "headers": {"Authorization": "0a1b2c.xyz"}}}\n```',
     [r"has no \"Bearer \""], []),
    ('视觉理解 MCP 报 Invalid API Key，同一个 key 在 web-search-prime 里用得好好的。Cline 的配置：\n```json\n"zai-mcp-server": '
     '{"type": "stdio", "command": "npx", "args": ["-y", "@z_ai/mcp-server"], "env": {"Z_AI_API_KEY": "abc.def"}}\n```',
     [r"没有 Z_AI_MODE", r"Vision MCP"], [r"Web Search MCP 页面"]),
    ("i pasted a screenshot into cline and asked what's wrong but the vision mcp never got called??",
     [r"Except in Claude Code", r"name or path"], []),
    ("I pasted a screenshot into Claude Code and the vision mcp read it fine, how do I set it up in Cline too?",
     [r"Vision MCP"], [r"Except in Claude Code"]),
    ("In Goose, do I use the coding/paas/v4 URL like the other tools?", [ANTHROPIC, r"Anthropic Compatible"], []),
    ("Trae 里面有 Z.ai 和 Z.ai-plan 两个 provider，选哪个？选错了会扣余额吗", [r"Z\.ai-plan"], [r"使用条件"]),
    ('edited ~/.claude/settings.json to switch models but /status still shows the old sonnet mapping. file: { "env": '
     '{ "ANTHROPIC_DEFAULT_OPUS_MODEL": "glm-5", } } restarted the terminal twice', [r"valid JSON"], []),
    # an unlisted tool asked about with a model named: the tool's question, not "Yes, GLM-4.7 is included"
    ("Windsurf 支持 GLM Coding Plan 吗？想在 Windsurf 里用 GLM-4.7", [r"其中没有 Windsurf"], [r"^可以"]),
    ("Zed: works in Cursor but not in Zed. Same key and base url https://api.z.ai/api/coding/paas/v4 work in Cursor, "
     "but Zed returns `401 Unauthorized`.", [r"HTTP 401"], [r"Override OpenAI Base URL"]),
    ('[Bug] claude-code-router: zai provider returns 404\n```json\n{"Providers":[{"name":"zai","api_base_url":'
     '"https://api.z.ai/api/coding/paas/v4"}]}\n```\n`ccr code` → `API Error: 404`', [r"doesn't name claude-code-router"],
     [r"Claude Code talks the Anthropic protocol"]),
    ("TRAE what model name do I type for the plan?", [r"GLM-4\.7-plan"], []),
    ("I'm on Cursor Hobby (free). Is the free Cursor plan supported with the coding endpoint?", [r"Cursor Pro"], []),
    # an HTTP status the error page does not list is said to be unlisted; a failing script of one's own gets the
    # plan's usage conditions (a supported tool first)
    ("Codex 使用智谱 CodingPlan 请求返回 405 错误\nunexpected status 405 Method Not Allowed", [r"没有列出 405"], [r"含义，API"]),
    ('使用 coding plan 的 key 调用接口报错：{"error":{"code":"1113","message":"余额不足"}}，我自己写的 python 脚本',
     [r"使用条件", r"支持的编程工具", r"1113"], []),
    # a code after "getting" is an error; one ask counted as many prompts is the drain explanation
    ("GLM Coding Plan quota reset not happening\nI hit the 5 hour limit at 2pm, it's now 8pm and still getting 1308",
     [r"Error 1308 means", r"reset time"], []),
    ("why does one question consume like 20 prompts of my quota??", [r"15–20 model calls"], []),
    # the tool named as the one that works is not the one to set up; a code before a comma is still a code
    ("Roo Code is fine, Kilo Code gives 401 with the same key.", [r"Kilo Code: API Provider"], [r"Roo Code: API"]),
    ("在 Cursor 里正常，但是在 Cline 里报 401", [r"Cline"], [r"Override OpenAI Base URL"]),
    ("Works great in OpenCode. How do I set up Crush now?", [r"crush\.json"], [r"opencode auth login"]),
    ("Claude Code works fine until I hit 1308, then it stops", [r"Error 1308 means"], []),
    ("I topped up my balance but still get 1113", [r"Error 1113 means"], [r"add-on"]),
    # the China platform named: the docs' word on api.z.ai, said to be Z.ai's
    ("Cline 里 base url 填 https://open.bigmodel.cn/api/coding/paas/v4 报 401", [r"不涉及智谱国内平台"], []),
    ("联网搜索 MCP 的地址能换成 open.bigmodel.cn 的吗", [r"不涉及智谱国内平台", r"web_search_prime"], []),
    ("国内版的编码套餐 5 小时多少次？", [r"不涉及智谱国内平台", r"80", r"z\.ai/contact"], []),
    # a 4xx number is a status only when written as one
    ("Cline 一直提示 403，在 Roo Code 里也一样", [r"没有列出 403"], []),
    # Chinese setup phrasing: 选 A 还是 B, 怎么配, 地址是多少
    ("Goose 配置 GLM 编码套餐，provider 选 Anthropic 还是 OpenAI？", [r"Anthropic Compatible", ANTHROPIC], []),
    ("Cherry Studio 里怎么配 web reader MCP", [r"web_reader/mcp"], []),
    ("zread MCP 的地址是多少，Claude Code 里怎么加", [r"api\.z\.ai/api/mcp/zread/mcp", r"claude mcp add"], []),
    # the China platform ruled out is not theirs
    ("我用的是 z.ai，不是 open.bigmodel.cn。Claude Code 报 1113 怎么办？", [r"1113"], [r"不涉及智谱国内平台"]),
    # a vision model asked for in a feature request: the plan's vision is its Vision MCP server
    ("feat: add glm-4.6v support for the zhipu-coding-plan provider. It only has text models; GLM-4.6V has image input",
     [r"Vision MCP", r"@z_ai/mcp-server"], [r"GLM-5 is available"]),
    # a diagnosis line needs evidence: no endpoint lecture for an install error or an expired plan
    # ... and the page's own advice for a permission error while installing (sudo, or an administrator prompt)
    ("$ npm install -g @anthropic-ai/claude-code\nnpm ERR! code EACCES\nfirst step of the guide and it already fails",
     [r"sudo", r"administrator"], [r"Anthropic protocol", r"don't cover this exact problem"]),
    ("npm install -g @anthropic-ai/claude-code gives EACCES permission denied on mac, what do i do", [r"sudo"], []),
    ("Windows 上 Claude Code 怎么配置环境变量", [r"setx ANTHROPIC_BASE_URL https://api\.z\.ai/api/anthropic"], []),
    ('API Error: 429 {"error":{"code":"1309","message":"Your GLM Coding Plan package has expired"}} in claude code this '
     "morning. my plan should auto renew??", [r"1309"], [r"Anthropic protocol"]),
    ("claude code can't connect, it says 404 on every request", [r"Anthropic protocol", ANTHROPIC], []),
    # the MCP SDK's module path in a stack trace is no call from one's own code; "my small script" is
    ("$ npx -y @z_ai/mcp-server\nimport { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\n"
     "SyntaxError: The requested module 'node:util' does not provide an export named 'styleText'\nNode.js v18.19.0",
     [r"Node\.js 22"], [r"own applications"]),
    ("is this allowed with the coding plan?\nfrom openai import OpenAI\nclient = OpenAI(base_url=\"https://api.z.ai/api/"
     "coding/paas/v4\")\nit's a small script that summarizes our support tickets every night", [r"You shall not use"], []),
]


@pytest.mark.parametrize("message, must, must_not", CASES, ids=[c[0][:48] for c in CASES])
def test_troubleshooting_answers_from_the_docs(message, must, must_not):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None, "no diagnosis"
    for pattern in must:
        assert re.search(pattern, result.text), f"{pattern!r} not in: {result.text}"
    for pattern in must_not:
        assert not re.search(pattern, result.text), f"{pattern!r} found in: {result.text}"


# Messages the troubleshooting route must leave alone: nothing failing, no tool setup asked.
NOT_MINE = [
    "How many prompts do I get every 5 hours on Pro?",
    "Does Cline share the quota with Claude Code?",
    "I wrote a haiku about my code, can you rate it?",
    "What is the refund policy?",
    "What happens when I run out of quota, am I charged?",
    "How many prompts do I get on Lite, and how fast does the quota refresh?",
    "How much faster is GLM-5 than GLM-4.7?",
    "What is the difference between the Lite and Pro plans?",
    "Is my code used to train your models if I use the coding plan?",
    "Does GLM-4.7 support function calling in Claude Code with parallel tool calls?",
    'my claude code settings.json: {"env": {"ANTHROPIC_BASE_URL": "https://api.z.ai/api/anthropic", "API_TIMEOUT_MS": '
    '"3000000"}} how many prompts do I get on Pro?',
    "Thanks, the coding plan works the same as the paid api for me, great work!",
    "Is the Pro plan the same as Max, apart from the quota?",
    # a money amount is no status; a runtime permission is no install step; a plan choice or a conversation is no setup
    "续费提示 468 元，是对的吗？",
    "After installing Claude Code I get 'permission denied' when it tries to edit files in my project",
    "我用 Claude Code，选 Pro 还是 Max 比较划算？",
    "Cursor 里怎么接着上次的对话继续？",
]


@pytest.mark.parametrize("message", NOT_MINE)
def test_troubleshooting_stays_out_of_other_questions(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is None or result.trace.get("layer") != "troubleshoot", result.text


ANALYSIS = [
    # an issue title's tag is the subscriber's words; a log line's timestamp and level are not
    ("[Feature Request] Promo account sharing\nShare quota with friends", "Promo account sharing", "", (), (), ()),
    ("[提议]希望加入GLM coding plan的额度监控", "额度监控", "", (), (), ()),
    ("[2026-05-18][08:07:17][ERROR] Upstream 429\nwhy?", "why", "Upstream", ("429",), (), ()),
    # a quoted line ("> ...") is someone else's words: MiniMax quoted is not the vendor asked about
    ("> minimax 按 prompt 对话轮次计量\n\n是智谱用 prompt 对话轮次计量吧？", "是智谱", "minimax", (), (), ()),
    # (message, the ask must contain, the ask must not contain, errors, tools, endpoints)
    ("Getting this in opencode:\n```\n{\"error\":{\"code\":\"1113\",\"message\":\"Insufficient balance\"}}\n```\n"
     "How do I fix it?", "How do I fix it", "Insufficient", ("1113",), ("opencode",), ()),
    ("[2026-05-18][08:07:17][ERROR] Upstream 429: {\"error\":{\"code\":\"1302\"}}\nwhy does cline do this?",
     "why does cline", "Upstream", ("1302", "429"), ("cline",), ()),
    ("my config:\nexport ANTHROPIC_BASE_URL=https://api.z.ai/api/paas/v4\nclaude code says 401", "claude code says",
     "export", ("401",), ("claude-code",), ("general",)),
    ("我用 Roo Code 接入 https://api.z.ai/api/coding/paas/v4 报错 余额不足", "Roo Code", "", ("1113",),
     ("roo-code",), ("coding",)),
    ("How many prompts do I get on Lite? I send 1500 tokens per prompt.", "How many prompts", "", (), (), ()),
    # an issue template's heading in two languages is no ask, and says nothing of the subscriber's language
    ("ZCode hangs on Connecting\n### System Info / 系統信息\nIt returns HTTP 429", "hangs", "系統信息", ("429",), (), ()),
    # a tool's own output is pasted too: npm's log, a CLI wizard's prompts and marks, a runtime banner, lines of code
    ("$ npm install -g @anthropic-ai/claude-code\nnpm ERR! code EACCES\nnpm ERR! syscall mkdir\n"
     "first step of the guide and it already fails", "first step", "syscall", (), ("claude-code",), ()),
    ("$ npx @z_ai/coding-helper\n? Choose a coding plan: GLM Coding Plan (Global)\n? Enter API key: ****\n"
     "✖ Network Error, please check your connection\nI'm behind a corporate proxy", "corporate proxy",
     "Choose a coding plan", (), (), ()),
    ("is this allowed?\nfrom openai import OpenAI\nclient = OpenAI(api_key=\"x\")\nit's a small script for our tickets",
     "small script", "import", (), (), ()),
]


@pytest.mark.parametrize("message, in_ask, not_in_ask, errors, tools, endpoints", ANALYSIS,
                         ids=[a[0][:40] for a in ANALYSIS])
def test_the_analysis_separates_the_ask_from_the_paste(message, in_ask, not_in_ask, errors, tools, endpoints):
    msg = analyse(message, SETTINGS.corpus_dir)
    assert in_ask in msg.ask
    if not_in_ask:
        assert not_in_ask not in msg.ask
    assert set(errors) <= {e.code for e in msg.errors}, msg.errors
    if not errors:
        assert not msg.errors, msg.errors  # "1500 tokens" is no error code
    assert set(tools) <= set(msg.tools)
    assert set(endpoints) <= set(msg.endpoints)


@pytest.mark.parametrize("message, flag", [
    ("[Feature] please add glm-5v-turbo to the coding plan models", "feature_request"),
    ("能否支持智谱 coding plan 的余量监控", "feature_request"),
    ("it broke after the update to 1.0.137, downgraded and it works", "regression"),
    ("升级后就用不了了", "regression"),
    ("会不会被封号？", "enforcement"),
    ("my weekly quota burned 40% in two hours", "quota_drain"),
    ("5小时额度很快就用完了", "quota_drain"),
    ("how do I query my remaining quota from a script", "usage_query"),
    ("I was charged twice this month", "account_matter"),
    ("Why was I charged $45 when the Pro plan is $30?", "account_matter"),
    ("my plan shows expired but I paid yesterday", "account_matter"),
    ("I want to upgrade but the upgrade button is greyed out", "on_topic"),
    ("calling web search MCP from the python sdk returns nothing", "direct_call"),
    ("how would we get our open-source agent added to the supported tools list?", "feature_request"),
    ("I'd like to use my GLM coding plan in LobeChat, possible?", "off_plan_use"),
    ("the plan key fails when I call it from my own script", "direct_call"),
    ("can I get an invoice with my company VAT number?", "on_topic"),
    ("能开发票吗？", "on_topic"),
    ("Feature: Expand the Z.AI adapter with the coding plan MCPs", "feature_request"),
    ("[提议]希望加入GLM coding plan的额度监控", "feature_request"),
    ("考虑支持模型订阅方式接入吗，例如智谱", "feature_request"),
    ("is thinking mode on by default for GLM-4.7?", "topics"),
    ("does streaming work with the coding plan?", "topics"),
    ('[Bug]: Usage bar shows "No usage data" on a valid Coding Plan', "failing"),
    ("插件显示的5小时和每周额度对调了", "failing"),
    ("please adapt the request to simulate an openclaw tool so my coding plan works", "off_plan_use"),
    ("GLM-4.5-Air thinking can't be disabled, vllm serve cpatonn/GLM-4.5-Air-AWQ-4bit --reasoning-parser glm45",
     "self_hosted"),
    ("订阅了阿里的codingplan，API是sk-sp格式的，是否可以接入此工具？", "other_vendor"),
])
def test_the_analysis_reads_what_kind_of_message_it_is(message, flag):
    assert getattr(analyse(message, SETTINGS.corpus_dir), flag)


@pytest.mark.parametrize("message, flag", [
    ("How many prompts do I get on Lite?", "quota_drain"),
    ("What happens when I run out of quota?", "quota_drain"),
    ("The dashboard shows no warnings at all, how many prompts do I get on Lite?", "failing"),
    ("im thinking of testing it now, send me your invite link", "topics"),
    ("I am streaming the output to a file, how many prompts do I get on Lite?", "topics"),
    ("https://api.z.ai/api/coding/paas/v4 fails: Endpoint not found. For Ollama, version 0.14+ is required.",
     "self_hosted"),
    ("How do I update Claude Code?", "regression"),
    ("can zread read our repos on a self-hosted GitLab? read_file keeps failing", "self_hosted"),  # their Git, not GLM
    ("Is the coding plan not for coding agents like Goose?", "off_plan_use"),
    ("Can I get a refund?", "account_matter"),
    ("Is my code used to train your models if I use the coding plan?", "direct_call"),
    ("Is my code used to train your models if I use the coding plan?", "off_plan_use"),
    ("what's the weather like in Paris?", "on_topic"),
])
def test_the_analysis_does_not_read_into_plain_questions(message, flag):
    assert not getattr(analyse(message, SETTINGS.corpus_dir), flag)


def test_every_tool_setup_line_rests_on_facts_that_exist():
    from helpdesk.rules import facts_for
    from helpdesk.rules.troubleshoot import TOOL_SETUP, Diagnosis, tool_setup

    facts = facts_for(SETTINGS)
    for tool, template in TOOL_SETUP.items():
        placeholders = set(re.findall(r"\{([\w.-]+)\}", template)) - {"name"}
        assert placeholders and placeholders <= set(facts.by_id), (tool, placeholders - set(facts.by_id))
        d = Diagnosis(facts)
        tool_setup(d, tool)
        assert "{" not in d.lines[0] and set(d.fact_ids) == placeholders


@pytest.mark.parametrize("message, must", [
    ("What's the endpoint URL for the web search MCP?", [r"api\.z\.ai/api/mcp/web_search_prime/mcp", r"Bearer"]),
    ("how do I configure web search MCP in Cline", [r"remote HTTP server", r"web_search_prime/mcp"]),
    ("Give me the command to add the web reader MCP to Claude Code.", [r"claude mcp add", r"web_reader/mcp"]),
    ("The vision MCP server fails to start in Zed: npx -y @z_ai/mcp-server exits", [r"Node\.js 22", r"Z_AI_API_KEY"]),
])
def test_mcp_servers_are_set_up_from_their_pages(message, must):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and result.trace["layer"] == "troubleshoot", result
    for pattern in must:
        assert re.search(pattern, result.text), f"{pattern!r} not in: {result.text}"


@pytest.mark.parametrize("message, must, must_not", [
    # a named client gets its own section of the server's page; a client the page doesn't name, the general one
    ("How do I add the Zread MCP in Goose?", [r"zread/sse\?Authorization=", r"Add custom extension"], [r"claude mcp add"]),
    ("how to add web reader mcp to Zed", [r"other MCP-compatible clients", r"web_reader/mcp", r"Zed"], []),
    ("web search mcp keeps returning empty results in cline", [r"different search keywords", r"technical support"],
     []),
    ("web reader MCP: invalid access token in OpenCode, what do I check?",
     [r"copied correctly", r"Authorization header"], []),
])
def test_an_mcp_page_section_answers_for_a_client_or_a_symptom(message, must, must_not):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and result.trace["layer"] == "troubleshoot", result
    for pattern in must:
        assert re.search(pattern, result.text), f"{pattern!r} not in: {result.text}"
    for pattern in must_not:
        assert not re.search(pattern, result.text), f"{pattern!r} found in: {result.text}"
    assert "MCP Server" in result.text.rsplit("(Source:", 1)[-1]  # the server's page is cited


def test_an_mcp_quota_question_is_not_a_setup_question():
    result = answer_rules("How many web searches per month does the Pro plan include?", [], SETTINGS, facts=FACTS)
    assert result is not None and "1,000" in result.text and "claude mcp add" not in result.text



def test_a_diagnosis_is_labelled_as_one():
    from helpdesk.ui import DIAGNOSIS_LABEL, label

    result = answer_rules("What does error code 1113 mean?", [], SETTINGS, facts=FACTS)
    assert label(result) == DIAGNOSIS_LABEL


@pytest.mark.parametrize("message, personal", [
    ("I upgraded from Lite to Pro yesterday and was charged $24, but my account still shows Lite. What does an "
     "upgrade cost?", True),
    ("我已经买了 Pro 套餐，但是还是显示 Lite，怎么取消自动续费？", True),
    ("How much does it cost to upgrade from Lite to Pro on the day I bought Lite?", False),
])
def test_a_rules_answer_about_their_own_case_offers_a_person(message, personal):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and result.route == "rules", result
    assert ("z.ai/contact" in result.text) is personal and result.offer_human is personal, result.text


def test_self_hosted_weights_are_outside_the_docs():
    """Running GLM's open weights (vLLM, Ollama) is no question these docs answer: an abstention that says so."""
    result = answer_rules("vllm serve zai-org/GLM-4.5-Air --tool-call-parser glm45: how do I turn thinking off?", [],
                          SETTINGS)
    assert result is not None and result.route == "abstain" and "don't cover this" in result.text



# A Chinese message gets its diagnosis in Chinese: every kind of line, the same figures, URLs and sources as the
# English message beside it. Quoted doc wording (“...”), commands, URLs and the MCP pages' sections stay as written.
# (Chinese message, the English message that reaches the same lines, a kind of line the answer must have, patterns)
ZH_PAIRS = [
    ("错误码 1113 是什么意思？", "What does error code 1113 mean?", "error", [r"错误码 1113", r"“Your account is in arrears"]),
    ("coding plan 一直报 HTTP 500 internal server error，你们那边有问题吗？",
     "keep getting 500 internal server error from the coding endpoint randomly, is there an issue on your side?",
     "http", [r"HTTP 500 的含义", r"“Try again later"]),
    ("trae 报错 4054 是什么意思？", "trae keeps failing with error code 4054, what is 4054?", "unlisted",
     [r"没有列出 4054"]),
    ("我买了 Pro 套餐，Cline 报错 1113 余额不足", "I have the Pro plan and Cline fails with error 1113 insufficient balance",
     "diagnosis", [r"使用条件", CODING, r"“OpenAI Compatible”"]),
    ("我是 coding plan 用户，opencode 配置 base_url = https://api.z.ai/api/paas/v4 报余额不足",
     "I'm on the coding plan. My config: base_url = https://api.z.ai/api/paas/v4 and opencode says insufficient balance",
     "endpoint", [r"通用接口地址", r"opencode auth login"]),
    ("Claude Code 用 https://api.z.ai/api/coding/paas/v4 报 404，我是 Lite 套餐",
     "Claude Code with CODING endpoint https://api.z.ai/api/coding/paas/v4 gives 404, I'm on Lite",
     "protocol", [r"Anthropic 协议", ANTHROPIC]),
    ("怎么在 Cline 里配置 coding plan？", "how do I set up Cline with the coding plan?", "setup", [r"Base URL 填", CODING]),
    ("用 OpenCode 和 glm-4.5-air 报错 1210，input tokens exceeds the model's maximum context length",
     "OpenCode with glm-4.5-air: error 1210, input tokens exceeds the model's maximum context length",
     "context", [r"上下文窗口是 128K"]),
    ("每周额度消耗太快了，一个下午用掉 40%，我在 Claude Code 里用 GLM-5",
     "My weekly quota burned through 40% in one afternoon with Claude Code on GLM-5",
     "quota", [r"15–20 次模型调用", r"3 倍", r"每 7 天", r"ANTHROPIC_DEFAULT_SONNET_MODEL"]),
    ("Claude Code 里 Request timed out 了，用的 glm", "Claude Code: API Error (Request timed out.) with glm",
     "diagnosis", [r'"API_TIMEOUT_MS": "3000000"', r"50 分钟"]),
    ("改了 settings.json 之后 Claude Code 还是让我登录，用不了，怎么办？",
     "Claude Code still asks me to log in after I edited settings.json, what now?", "diagnosis",
     [r"“Do you want to use this API key”", r"新的终端"]),
    ("我的账号被封了，说是风控，我只在 Claude Code 里用，怎么申诉？", "How do I appeal a ban?", "terms",
     [r"指定或认可", r"暂停或终止服务", r"申诉方式"]),
    ("我可以在自己的网站里用 coding plan 的额度直接调用模型 API 吗？会被封号吗？",
     "Will my account get banned if I call the coding plan from my own app?", "terms",
     [r"“You shall not use", r"暂停或终止服务"]),
    # (the unlisted tool is read from an English question; the Chinese around it makes the message Chinese)
    ("我是 Pro 用户。Can I use the coding plan with GitHub Copilot?", "Can I use the coding plan with GitHub Copilot?",
     "tools",
     [r"没有 GitHub Copilot", CODING]),
    ("[提议]希望 MyAgent 支持 GLM Coding Plan，我是订阅用户",
     "[Feature Request] Support the GLM Coding Plan as a provider in MyAgent, I'm a subscriber", "scope",
     [r"功能需求", r"指定或认可", CODING]),
    ("我用自己的 python 脚本通过 mcp sdk 调用 web reader MCP，什么都没返回",
     "I call the web reader MCP from my own python script with the mcp sdk and get nothing back", "mcp",
     [r"“Other than the resource package", r"单独计费"]),
    ("怎么在 Cline 里配置 web search MCP？", "how do I configure web search MCP in Cline", "mcp",
     [r"远程 HTTP 服务", r"web_search_prime/mcp"]),
    ("web search mcp 在 cline 里一直返回空结果，用不了", "web search mcp keeps returning empty results in cline", "mcp",
     [r"排查说明", r"different search keywords"]),
    ("CC Switch 里查询用量一直失败", "Checking my usage in CC Switch keeps failing", "usage", [r"订阅页面", r"glm-plan-usage"]),
    ("Kilo Code 在我的 coding plan 上一直失败：\n```\nUnexpected API Response: empty completion\n```",
     "Kilo Code keeps failing on my coding plan:\n```\nUnexpected API Response: empty completion\n```", "scope",
     [r"文档没有涉及这个具体问题", r"Kilo Code"]),
]
FIGURE = re.compile(r"https?://[^\s)）,，;；。“”\"]+|\d[\d,.]*\d|\d")


def figures(text: str) -> list[str]:
    """The URLs and numbers in an answer, as a sorted list (a sentence's full stop is not part of a URL)."""
    return sorted(f.rstrip(".") for f in FIGURE.findall(text))


def _chinese_prose(text: str) -> str:
    """The answer's own wording: without the citation (its titles are the pages'), the MCP pages' sections quoted
    whole, and the quoted doc wording, commands and URLs that test_rules_chinese leaves as written."""
    from helpdesk.message import MCP_SERVERS
    from helpdesk.rules.troubleshoot import page_sections, section

    body = text.rsplit("\n(来源", 1)[0]
    for _, doc in MCP_SERVERS.values():
        path = SETTINGS.corpus_dir / f"{doc}.md"
        for title, _ in page_sections(str(path)) if path.is_file() else ():
            quoted = section(SETTINGS.corpus_dir, doc, f"^{re.escape(title)}$")
            body = body.replace(quoted, " ") if quoted else body
    return VERBATIM.sub(" ", body)


@pytest.mark.parametrize("chinese, english, kind, must", ZH_PAIRS, ids=[p[0][:32] for p in ZH_PAIRS])
def test_a_chinese_message_gets_its_diagnosis_in_chinese(chinese, english, kind, must):
    zh, en = answer_rules(chinese, [], SETTINGS), answer_rules(english, [], SETTINGS)
    assert zh is not None and zh.trace["layer"] == "troubleshoot", zh
    assert en is not None and en.trace["layer"] == "troubleshoot", en
    assert kind in zh.trace["diagnosis"], zh.trace
    for pattern in must:
        assert re.search(pattern, zh.text), f"{pattern!r} not in: {zh.text}"
    prose = _chinese_prose(zh.text)
    assert re.search(r"[\u4e00-\u9fff]", prose)
    assert not ENGLISH_RUN.search(prose), f"English in a Chinese answer: {ENGLISH_RUN.search(prose).group(0)!r}"
    # the same diagnosis: the same lines, figures, URLs, sources and hand-off as the English message gets
    assert zh.trace["diagnosis"] == en.trace["diagnosis"] and zh.sources == en.sources
    assert figures(zh.text) == figures(en.text), (zh.text, en.text)
    assert zh.offer_human == en.offer_human
    assert ("如果这没有解决你的问题，Z.ai 客服可以查看你的账户" in zh.text) is zh.offer_human
    if zh.route == "rules":
        assert "(来源:" in zh.text and "截至" in zh.text


def test_every_line_has_its_chinese_version():
    """Every tool's and MCP server's setup template has a Chinese one with the same facts."""
    from helpdesk.rules.troubleshoot import MCP_SETUP, MCP_SETUP_ZH, TOOL_SETUP, TOOL_SETUP_ZH

    placeholders = lambda text: set(re.findall(r"\{([\w.-]+)\}", text))  # noqa: E731
    assert TOOL_SETUP.keys() == TOOL_SETUP_ZH.keys() and MCP_SETUP.keys() == MCP_SETUP_ZH.keys()
    for tool, template in TOOL_SETUP.items():
        assert placeholders(TOOL_SETUP_ZH[tool]) == placeholders(template), tool
        assert re.search(r"[\u4e00-\u9fff]", TOOL_SETUP_ZH[tool]), tool
    for server, (base, _) in MCP_SETUP.items():
        assert placeholders(MCP_SETUP_ZH[server]) == placeholders(base), server


@pytest.mark.parametrize("message", [
    "Cline shows an error when max_tokens is set to 512, why?",
    "Traceback error at line 523 in my script when calling the coding plan",
    "I got an error after about 550 prompts today, is that the limit?",
])
def test_a_number_in_the_500s_is_no_server_status_unless_written_as_one(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is None or not re.search(r"HTTP 5\d\d", result.text), result.text


@pytest.mark.parametrize("message", ["Does the GLM Coding Plan work in Brazil?", "Is the coding plan supported with Visa cards?"])
def test_a_place_or_a_card_is_no_unlisted_tool(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is None or "supported tools" not in result.text, result.text


@pytest.mark.parametrize("message", ["Does the 5 hours window on Pro reset at fixed clock times or 5 hours after my first "
                                     "prompt?", "5 小时额度是整点刷新还是从第一条请求开始算"])
def test_a_rules_answer_that_says_the_docs_leave_it_open_offers_a_person(message):
    """"they don't say when a cycle starts", "没有说明...": what the docs leave open, support can answer."""
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and result.route == "rules", result
    assert re.search(r"don't say|没有说明", result.text) and "z.ai/contact" in result.text, result.text


def test_a_topic_with_its_own_page_is_not_the_unnamed_tools_setup():
    """"在codex中glm-5.1无法开启思考 (upstream protocol: openai chat)": thinking is the question, not codex's setup."""
    result = answer_rules("[Bug]: 在codex中glm-5.1无法开启思考\n\n在codex++中配置自定义供应商，上游协议为 openai chat，抓包看到 "
                          "\"thinking\": {\"type\": \"disabled\"}", [], SETTINGS, facts=FACTS)
    assert result is None or "tools" not in result.trace.get("diagnosis", []), result.text


@pytest.mark.parametrize("message", [
    'my ~/.config/crush/crush.json:\n```\n{"providers": {"zai": {"id": "zai", "base_url": "https://api.z.ai/api/paas/v4", '
    '"api_key": "2b7e"}}}\n```\nit works but the z.ai dashboard shows money leaving my balance ($4.10 since monday) '
    'instead of using the coding plan. What do I have to change?',
    "Cline with base url https://api.z.ai/api/paas/v4 on my Pro plan: credits are draining from my balance. why?",
])
def test_the_balance_charged_with_the_general_endpoint_shown_gets_the_plans_endpoint(message):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is not None and "https://api.z.ai/api/coding/paas/v4" in answer.text, answer and answer.text
    assert "cost" not in answer.trace["diagnosis"], answer.text


@pytest.mark.parametrize("message, listed", [
    ("Cherry Studio, API host https://api.z.ai/api/paas/v4, every message: 1113 Insufficient balance. I just paid for "
     "Pro! Is Cherry Studio even supported?", "Cherry studio"),
    ("Gemini CLI 一直报 1113 余额不足，我买了 Lite 啊，Gemini CLI 到底支不支持？", "Gemini CLI"),
])
def test_the_plans_conditions_name_the_subscribers_tool_when_the_faqs_list_has_it(message, listed):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is not None and re.search(rf"(supported tool|支持的编程工具)（?\(?[^)）]*{listed}", answer.text), answer.text


@pytest.mark.parametrize("message", [
    # a tool named beside another question, or something else plugged in: no setup line
    "Can I connect with a human about a double charge? I use Cursor but that's not the issue, I was billed twice for Lite.",
    "Can I add a second API key to my account so my Cline and my Roo Code use separate keys?",
    "Can I hook up my teammate's Goose to my subscription while he's on vacation? Just for a week.",
    "Can I add images to my prompt in Cline with GLM-4.7?",
    "Can we wire the plan into n8n workflows? We already use Cline for coding.",
    "Can I plug a different model into Crush, like GPT-4o, alongside GLM?",
    "Can we integrate the coding plan into our company's internal code review service, the way Cline does it?",
    "What do I write in the model name field of OpenCode for the vision model?",
    "What do I type as model name in Claude Code, or does it map automatically?",
    "Can I plug the plan into Claude Code on two machines at the same time?",
    "我平时用 Cline 写代码。我们公司内部的代码评审服务能接 coding plan 吗？",
    "What do I type as model name in Cline for the GLM-4.6V vision model?",
    # no tool named: no endpoint line for "能接/能用"
    "API 余额能用套餐额度抵扣吗？",
    "我自己写的微信机器人能接 coding plan 吗？",
])
def test_near_misses_of_plugging_the_plan_into_a_tool_get_no_setup_line(message):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is None or "setup" not in answer.trace.get("diagnosis", []) and "coding/paas/v4" not in answer.text, \
        answer.text


@pytest.mark.parametrize("message", [
    "Is money taken from my balance if my Pro quota runs out in Claude Code?",
    "If I use Goose with the plan, is money coming out of my balance once my 5-hour quota is gone?",
    "If my Lite quota runs out in Cline, is money leaving my balance automatically?",
    "Are credits leaving my balance each month for the subscription renewal, or only my card?",
    "I topped up $20 for API experiments in my own Python script with https://api.z.ai/api/paas/v4 and the money is "
    "leaving my balance fast. How is glm-4.7 priced per million tokens?",
])
def test_the_balance_asked_about_is_no_balance_charge_told(message):
    """(and their own script's pay-as-you-go balance going down is no plan's condition unmet)"""
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is None or "usage conditions" not in answer.text, answer.text


def test_a_tools_cost_display_with_the_general_endpoint_still_says_the_docs_dont_cover_it():
    answer = answer_rules("Roo Code shows prices per request with base url https://api.z.ai/api/paas/v4 and the Pro plan. "
                          "How do I hide the cost column?", [], SETTINGS, facts=FACTS)
    assert answer is not None and "The docs don't cover the cost a tool displays" in answer.text, answer and answer.text
    assert "$30" not in answer.text, answer.text


@pytest.mark.parametrize("message, must", [
    # a cost told in the story beside a setup question of their own: the setup answers
    ("crush on Windows 10, picked glm-4.7 from the zai provider. The Z.ai billing page shows $0.42 spent today, so it's "
     "not going through my Lite plan. Where does crush.json live on Windows, and what do I put in it?",
     "%USERPROFILE%"),
    ("Cline shows a cost of $1.20 for my session on the Pro plan. Which base URL should I configure for the plan?",
     "coding/paas/v4"),
])
def test_a_cost_told_beside_a_setup_question_gets_the_setup(message, must):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is not None and must in answer.text and "cost a tool displays" not in answer.text, answer and answer.text


def test_a_cost_display_asked_about_beside_a_setup_question_is_still_the_cost():
    answer = answer_rules("crush on the Lite plan: the session footer shows a cost of $0.42. Where does crush.json live, "
                          "and why does crush show a cost at all?", [], SETTINGS, facts=FACTS)
    assert answer is not None and "cost a tool displays" in answer.text, answer and answer.text


def test_plugging_the_key_into_a_chatbot_gets_the_terms_not_a_base_url():
    answer = answer_rules("Can I plug my Coding Plan key into my company's customer chatbot?", [], SETTINGS, facts=FACTS)
    assert answer is not None and "shall not use" in answer.text and "coding/paas/v4" not in answer.text, answer.text


@pytest.mark.parametrize("message, name", [
    ("Does the coding plan work in Grok CLI? what endpoint do I point it at?", "in Grok CLI"),
    ("Which endpoint does the coding plan use in opencode?", "in OpenCode"),
])
def test_a_tool_is_named_as_the_docs_write_it(message, name):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is not None and name in answer.text, answer and answer.text


def test_a_price_paid_and_a_page_that_still_shows_the_old_plan_is_no_tools_cost_figure():
    result = answer_rules("I was on Pro monthly and on the 9th I bought Pro annual. I paid the full annual price, but "
                          "my subscription page still shows the monthly plan with the old end date.", [], SETTINGS,
                          facts=FACTS)
    assert result is None or "cost" not in result.trace.get("diagnosis", []), result


@pytest.mark.parametrize("message", [
    "Can you show me the price of the Pro plan? I use Claude Code.",  # asked for, not shown by the tool
    "How do I calculate the cost of the Pro plan vs the API in Cline?",
])
def test_a_price_asked_for_is_no_tools_cost_figure(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is None or "cost" not in result.trace.get("diagnosis", []), result.text


def test_the_vision_servers_model_asked_after_an_upgrade_gets_no_cache_advice():
    result = answer_rules("I upgraded to Pro and want to know which model the Vision MCP uses", [], SETTINGS,
                          facts=FACTS)
    assert result is None or "@latest" not in result.text, result.text


# A pasted setting the named page's matching block gives another value: said first, with the page's value
@pytest.mark.parametrize("message, must", [
    ('droid BYOK GLM via openai protocol -> "unsupported provider"\n```json\n{"customModels": [{"displayName": "GLM-4.7", '
     '"model": "glm-4.7", "baseUrl": "https://api.z.ai/api/coding/paas/v4", "apiKey": "sk-...", "provider": "openai", '
     '"maxOutputTokens": 131072}]}\n```\nfirst message fails. What goes in provider?',
     r'"provider": "openai"; the page\'s configuration sets "provider": "generic-chat-completion-api"'),
    ('vision mcp: invalid api key. OpenCode config:\n```json\n"mcp": {"zai-mcp-server": {"type": "local", "command": '
     '["npx","-y","@z_ai/mcp-server"], "environment": {"Z_AI_API_KEY": "...", "Z_AI_MODE": "Z_AI"}}}\n```\ntool calls -> '
     'invalid API key.', r'"Z_AI_MODE": "Z_AI"; the page\'s configuration sets "Z_AI_MODE": "ZAI"'),
])
def test_a_pasted_setting_the_page_sets_otherwise_is_named_with_the_pages_value(message, must):
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and re.search(must, answer.text)


@pytest.mark.parametrize("message, must, must_not", [
    # Droid's two examples hold as many of the paste's values (model, maxOutputTokens): the protocol asked for decides
    ('~/.factory/settings.json 里配的：\n```json\n{"customModels": [{"displayName": "GLM", "model": "glm-4.7", '
     '"baseUrl": "https://api.z.ai/api/paas/v4", "apiKey": "****", "provider": "openai", "maxOutputTokens": 131072}]}\n```'
     '\n一选就报 `Error: 404 Not Found`。想走 OpenAI 协议，provider 是不是填错了？',
     r'"provider": "generic-chat-completion-api"', r'"provider": "anthropic"。'),
    # ... and without words for it, the protocol of the URL pasted
    ('droid keeps failing with 404, config:\n```json\n{"customModels": [{"model": "glm-4.7", "baseUrl": '
     '"https://api.z.ai/api/paas/v4", "provider": "openai", "maxOutputTokens": 131072}]}\n```\nwhat is wrong?',
     r'the page\'s configuration sets "provider": "generic-chat-completion-api"', r'sets "provider": "anthropic"'),
    ('droid keeps failing with 400, config:\n```json\n{"customModels": [{"model": "glm-4.7", "baseUrl": '
     '"https://api.z.ai/api/anthropic", "provider": "openai", "maxOutputTokens": 131072}]}\n```\nwhat is wrong?',
     r'the page\'s configuration sets "provider": "anthropic"', r'sets "provider": "generic-chat-completion-api"'),
])
def test_of_a_pages_two_examples_the_one_of_the_protocol_asked_or_pasted_is_compared(message, must, must_not):
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and re.search(must, answer.text) and not re.search(must_not, answer.text), answer.text


@pytest.mark.parametrize("message", [
    # both protocols named, one refused: the URL pasted decides
    'I don\'t want the OpenAI protocol, I want Anthropic. Droid config: ```json {"customModels":[{"model":"glm-4.7",'
    '"baseUrl":"https://api.z.ai/api/anthropic/v1","apiKey":"k-9","provider":"claude","maxOutputTokens":131072}]} ```',
    '不想用 OpenAI 协议，想用 Anthropic 协议。Droid 配置如下，一直报错： ```json {"customModels":[{"model":"glm-4.7",'
    '"baseUrl":"https://api.z.ai/api/anthropic/v1","apiKey":"k-9","provider":"claude","maxOutputTokens":131072}]} ```',
    # a protocol refused once: the other one
    'Not the OpenAI-compatible protocol please. Droid config: ```json {"customModels":[{"model":"glm-4.7","baseUrl":'
    '"https://api.z.ai/api/paas/v4","apiKey":"k-9","provider":"openai","maxOutputTokens":131072}]} ``` what do I change?',
    '不要 OpenAI 兼容协议，怎么改？Droid 配置： ```json {"customModels":[{"model":"glm-4.7","baseUrl":'
    '"https://api.z.ai/api/paas/v4","apiKey":"k-9","provider":"openai","maxOutputTokens":131072}]} ```',
    # "the OpenAI API" in a story is no protocol asked for
    'I\'ve used the OpenAI API for years; now trying Factory Droid. My settings fail: ```json {"customModels":[{"model":'
    '"glm-4.7","baseUrl":"https://api.z.ai/api/anthropic/","apiKey":"k-9","provider":"openai","maxOutputTokens":131072}]} ```',
])
def test_a_protocol_refused_or_told_in_a_story_does_not_pick_the_example(message):
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    said = answer.text if answer is not None else ""
    assert not re.search(r'configuration sets "provider": "generic|文档页面的配置是 "provider": "generic', said), said


@pytest.mark.parametrize("message", ["~/.factory/settings.json 里的 baseUrl 应该填哪个？",
                                     'my "customModels" entry for GLM gives 404, which baseUrl is right?'])
def test_droids_settings_file_or_its_key_names_droid(message):
    assert analyse(message, SETTINGS.corpus_dir).tools[:1] == ("factory-droid",)


def test_droids_setup_line_gives_the_provider_of_each_protocol():
    answer = answer_rules("How do I set up Factory Droid with the coding plan?", [], SETTINGS, facts=FACTS)
    assert answer is not None and '"anthropic"' in answer.text and '"generic-chat-completion-api"' in answer.text


def test_the_subscribers_own_values_and_windows_launchers_are_not_mismatches():
    message = ('Kilo Code vision mcp fails:\n```json\n{"mcpServers":{"zai-mcp-server":{"type":"stdio","command":"npx.cmd",'
               '"args":["-y","@z_ai/mcp-server"],"env":{"Z_AI_API_KEY":"abc123","Z_AI_MODE":"ZAI"}}}}\n```')
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and "Your config sets" not in answer.text and "@z_ai/mcp-server" in answer.text


@pytest.mark.parametrize("message, tool_says", [
    ("Edited ~/.config/crush/crush.json with the zai provider and the coding base_url, restarted crush, the header "
     "still shows the old model. How do I switch?", "ctrl+p"),
    ("opencode auth login done with Z.AI Coding Plan, but opencode still uses its default model. how do I actually "
     "pick glm-4.7?", "/models"),
    ("Goose keeps using my old OpenAI provider after I added the Z.ai one (Anthropic Compatible, api.z.ai/api/anthropic).",
     "Switch Models"),
    ("crush.json 改好了，重新打开 crush 以后想换到 glm-4.7，找不到切模型的地方", "ctrl+p"),
])
def test_a_model_that_did_not_change_gets_the_tools_own_picker(message, tool_says):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is not None and tool_says in answer.text
    assert any(f.endswith(".model_picker") for f in answer.trace["facts"])


def test_a_model_changed_as_a_step_of_the_story_is_no_picker_question():
    answer = answer_rules("Goose custom provider does not work with my Z.AI key.\nSteps:\n1. Go to Custom Provider\n2. Configure "
                   "it from the Goose page\n3. Change the model to the one I configured\n4. Chat: it doesn't work.", [], SETTINGS, facts=FACTS)
    assert answer is None or not any(f.endswith(".model_picker") for f in answer.trace["facts"])


@pytest.mark.parametrize("message, must", [
    ("Windows: ran setx for both vars, then claude in the same cmd window\n```\nC:\\> setx ANTHROPIC_AUTH_TOKEN abc\n"
     "SUCCESS: Specified value was saved.\nC:\\> setx ANTHROPIC_BASE_URL https://api.z.ai/api/anthropic\nC:\\> claude\n```\n"
     "It still asks me to log in.", r"A new window is required"),
    ("First run of claude after setting the key:\n```\nDetected a custom API key in your environment\n"
     "ANTHROPIC_AUTH_TOKEN: abc...\nDo you want to use this API key?\n> 1. Yes\n  2. No (recommended)\n```\nWhich one?",
     r"select \"Yes\""),
    ("想把 opus 换成 GLM-5：\n```json\n{\"env\": {\"ANTHROPIC_AUTH_TOKEN\": \"x\", \"ANTHROPIC_BASE_URL\": "
     "\"https://api.z.ai/api/anthropic\", \"ANTHROPIC_DEFAULT_OPUS_MODEL\": \"glm-5\"}}\n```\n保存了，但原来开着的 claude 会话里还是 "
     "glm-4.7，完全没生效", r"关闭所有 Claude Code 窗口"),
])
def test_claude_named_only_by_its_command_and_variables_gets_the_pages_own_steps(message, must):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert answer is not None and re.search(must, answer.text)


@pytest.mark.parametrize("text, chinese", [
    ("coding-helper UI stuck in Chinese: someone picked 中文 in the wizard before me and I can't read it. Is there a flag "
     "to switch the interface back to English?", False),
    ("Windows 上 Factory Droid 的 settings.json 放哪", True),
    ("Cline 里 OpenAI Compatible 配好了 glm-4.7，Context Window Size 应该填多少？", True),
    ("CodePilot fails to start Claude Code with the GLM (智谱 AI) provider; the CLI works from the terminal but exits with "
     "code 1 when spawned. Config and logs below.", False),
])
def test_a_message_is_chinese_by_its_share_of_chinese_not_by_one_word(text, chinese):
    from helpdesk.message import is_chinese
    assert is_chinese(text) is chinese


# --- an MCP server's own answer: its symptom sections, its capabilities, Cline's image checkbox -------------------

@pytest.mark.parametrize("message, must", [
    ("web reader MCP gives an empty page for some blogs, works for GitHub. my config or their sites?",
     [r"anti-scraping", r"accessible"]),
    ("Zread 的 get_repo_structure 一直报错，我们的仓库是公司私有仓库", [r"open source \(public\)"]),
    ("zread MCP in OpenCode: unauthorized every time, key is right", [r"invalid access token", r"Bearer"]),
    ("vision mcp shows a red dot in my client with no error message. how do I test it?",
     [r"Z_AI_API_KEY=your_api_key npx -y @z_ai/mcp-server"]),
])
def test_an_mcp_symptom_gets_the_pages_troubleshooting(message, must):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and result.trace["layer"] == "troubleshoot", result
    for pattern in must:
        assert re.search(pattern, result.text), f"{pattern!r} not in: {result.text}"


@pytest.mark.parametrize("message", [
    "Which video formats does the vision MCP's video_analysis accept? my .avi clips fail",
    "Vision MCP 有没有工具可以对比两张 UI 截图？",
    "视觉理解 MCP 的视频有大小限制吗？30MB 的录屏报错了",
])
def test_what_an_mcp_server_can_do_is_its_pages_text_not_its_setup(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is None or "npx -y @z_ai/mcp-server" not in result.text, result.text


def test_a_video_over_the_limit_asked_of_the_vision_mcp_after_a_story_of_installing_it_gets_the_limit():
    result = answer_rules("Can the vision MCP analyze a 25 MB .webm screen recording of a UI bug? Claude Code 2.1.x, "
                          "zai-mcp-server via npx, installed back in November. My Max plan still has plenty of 5h quota "
                          "left.", [], SETTINGS, facts=FACTS)
    assert result is not None and "8 MB" in result.text and "25 MB" in result.text, result


def test_an_image_dropped_into_cline_gets_clines_support_images_setting():
    result = answer_rules("Cline + coding plan: dragging a png into the task fails with 400, text works fine", [],
                          SETTINGS, facts=FACTS)
    assert result is not None and "Support Images" in result.text and "Except in Claude Code" in result.text
    other = answer_rules("OpenCode: pasting a screenshot into the chat does nothing with the vision MCP", [], SETTINGS,
                         facts=FACTS)
    assert other is not None and "Support Images" not in other.text


def test_a_vision_tool_name_names_the_vision_server():
    assert "vision" in analyse("ui_diff_check returns nothing useful", SETTINGS.corpus_dir).mcp
    assert "zread" in analyse("search_doc finds no docs for my repo", SETTINGS.corpus_dir).mcp


def test_an_install_script_piped_to_a_shell_is_no_direct_api_call():
    msg = analyse("our proxy blocks `curl -fsSL https://opencode.ai/install | bash` on the plan laptop, any other way "
                  "to install it?", SETTINGS.corpus_dir)
    assert not msg.direct_call and not msg.off_plan_use
    assert analyse("I call the coding endpoint with curl from my own script, GLM Coding Plan Pro",
                   SETTINGS.corpus_dir).off_plan_use


def test_the_pay_as_you_go_api_used_from_ones_own_service_is_no_off_plan_use():
    msg = analyse("Pay-as-you-go API from my own backend: why are some lines billed as cached input?",
                  SETTINGS.corpus_dir)
    assert not msg.off_plan_use


def test_a_key_changed_in_the_coding_helper_gets_its_reload_command():
    result = answer_rules("Saved a new key with coding-helper auth, but Claude Code keeps sending the old one: 401",
                          [], SETTINGS, facts=FACTS)
    assert result is not None and "coding-helper auth reload claude" in result.text.split("\n")[0]
    plain = answer_rules("Claude Code returns 401 with my new key", [], SETTINGS, facts=FACTS)
    assert plain is None or "auth reload" not in plain.text


@pytest.mark.parametrize("message", [
    "claude plugin marketplace add zai-org/zai-coding-plugins fails: spawn git ENOENT. Windows, no git allowed",
    "装用量查询插件报错：Error: Marketplace 'zai-coding-plugins' not found",
])
def test_a_failed_usage_plugin_install_gets_the_pages_two_methods(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and "claude plugin marketplace add zai-org/zai-coding-plugins" in result.text
    assert "npx @z_ai/coding-helper" in result.text and "Plugin Marketplace" in result.text


@pytest.mark.parametrize("message, must", [
    ('{"error":{"code":"1214","message":"Invalid user_id parameter. Please check the documentation"}} with user_id "a1"',
     r"6–128 characters"),
    ('调用报错 {"error":{"code":"1214","message":"top_p参数非法。请检查文档。"}}', r"`top_p` \(number\)"),
])
def test_a_parameter_an_error_names_gets_the_api_references_line(message, must):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and re.search(must, result.text), result
    assert "Chat Completion" in result.text.rsplit("(", 1)[-1] or "Chat Completion" in result.text


@pytest.mark.parametrize("message", [
    "I'm on the pay-per-token API, reasoning tokens are most of my bill. How do I switch thinking off for glm-4.7 in the "
    "request body?",
    "Calling glm-4.7 from my Python script on the general API: can I turn the reasoning off per request?",
])
def test_thinking_switched_off_with_words_between_gets_the_parameter(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and "`disabled`" in result.text, result


@pytest.mark.parametrize("message", [
    "Spring Boot service calling glm-4.7 on the general API, not the coding plan. Which Maven artifact is the SDK?",
    "用 openai python sdk 走通用 API 调 glm-4.7，我也有 Lite 套餐。怎么关掉 thinking？",
])
def test_ones_own_code_on_the_general_api_is_no_off_plan_use(message):
    assert not analyse(message, SETTINGS.corpus_dir).off_plan_use


def test_ones_own_code_on_the_plans_key_is_still_off_plan_use():
    assert analyse("Can I use my coding plan key in my own Python script on the general API?",
                   SETTINGS.corpus_dir).off_plan_use


def test_a_screenshot_pasted_in_chinese_word_order_is_a_pasted_image():
    result = answer_rules("opencode 里视觉 MCP 已经连上了，但我把截图直接粘贴进对话框，MCP 根本没被调用", [], SETTINGS,
                          facts=FACTS)
    assert result is not None and "除了 Claude Code" in result.text


@pytest.mark.parametrize("message", [
    "I set up Claude Code with the coding helper; do new sessions use more tokens?",
    "Where do I get a new API key to use with the coding helper and Claude Code?",
])
def test_a_token_count_or_a_first_key_is_no_changed_key(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is None or "auth reload" not in result.text


def test_a_capability_asked_beside_a_setup_keeps_the_setup():
    result = answer_rules("How do I set up the Vision MCP in Claude Code, and can it read PDFs?", [], SETTINGS,
                          facts=FACTS)
    assert result is not None and "npx -y @z_ai/mcp-server" in result.text


def test_a_parameter_named_in_the_message_beside_its_error_code_gets_its_line():
    result = answer_rules("调用接口报错 1214，temperature参数非法", [], SETTINGS, facts=FACTS)
    assert result is not None and "`temperature` (number)" in result.text


def test_the_plugin_answer_claims_nothing_of_method_b_and_git():
    result = answer_rules("claude plugin marketplace add zai-org/zai-coding-plugins fails: spawn git ENOENT", [],
                          SETTINGS, facts=FACTS)
    assert result is not None and "Method B" in result.text and "without Git" not in result.text


def test_a_symptom_beside_a_quota_question_gets_the_pages_troubleshooting():
    result = answer_rules("web search MCP returns empty results for long queries in Cline. Is this a quota thing? "
                          "I'm on Pro with most of my monthly searches left", [], SETTINGS, facts=FACTS)
    assert result is not None and "different search keywords" in result.text


def test_kilo_codes_setup_starts_from_its_own_api_key_choice():
    result = answer_rules("Kilo Code keeps showing its sign-in screen and a buy-credits banner. Where do I put my z.ai "
                          "plan key?", [], SETTINGS, facts=FACTS)
    assert result is not None and "Use your own API key" in result.text and "International Coding Plan" in result.text


def test_own_code_on_the_general_api_paid_per_use_is_no_endpoint_mistake():
    msg = analyse("我自己写的 agent 走 https://api.z.ai/api/paas/v4 按量付费，多轮对话里上一轮的思考好像丢了。普通 API 要怎么开启保留思考？",
                  SETTINGS.corpus_dir)
    assert msg.pays_per_use
    d = diagnose(msg, FACTS, SETTINGS.corpus_dir)
    assert d is None or "endpoint" not in d.kinds


def test_a_plan_subscriber_on_the_general_url_still_gets_the_coding_endpoint():
    msg = analyse("I have the coding plan and Zed calls https://api.z.ai/api/paas/v4 and fails. Is my api_url right?",
                  SETTINGS.corpus_dir)
    assert not msg.pays_per_use
    d = diagnose(msg, FACTS, SETTINGS.corpus_dir)
    assert d is not None and any("coding/paas/v4" in line for line in d.lines)


@pytest.mark.parametrize("message, must", [
    ("openai sdk against https://api.z.ai/api/paas/v4 with model glm-4.7 and temperature=1.5 returns 400, code 1214. "
     "what range does it take?", r"`temperature`.*0–1"),
    ('我的请求体 {"model": "glm-4.7", "messages": [...], "stop": ["a", "b"]} 返回 1214，stop 最多能传几个？',
     r"only one stop word"),
])
def test_a_parameter_error_without_the_name_gets_the_line_of_the_parameter_the_message_sets(message, must):
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and re.search(must, answer.text), answer


def test_a_parameter_error_with_only_the_model_set_quotes_no_parameter_line():
    message = 'POST /chat/completions {"model": "glm-4.7", "messages": []} gives error 1214'
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and "API reference on that parameter" not in answer.text


@pytest.mark.parametrize("message", [
    "Cline 里老是报 `This model does not support image input`，我的 Support Images 勾着，Context Window Size 填的 128000，文档推荐怎么填？",
    "Cline with the vision MCP connected: I press Ctrl+V to put a screenshot into the chat and it says the model does "
    "not support images. How do I get Cline to use the MCP?",
])
def test_clines_other_configurations_come_whole_for_its_image_settings(message):
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and "Support Images" in answer.text and "204800" in answer.text


def test_a_readers_empty_result_is_its_fetch_failed_section():
    message = "webReader returns empty for half the URLs I give it, some behind cloudflare. the other half work."
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and "anti-scraping" in answer.text


def test_a_client_asking_which_endpoint_gets_its_own_section_beside_the_symptom():
    message = ("Goose 里加 web reader，填的 https://api.z.ai/api/mcp/web_reader/mcp，类型选 Streamable HTTP，一直超时。"
               "是不是要换别的端点或者类型？")
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and "web_reader/sse" in answer.text and "timed out" in answer.text


@pytest.mark.parametrize("message, must", [
    ("npm install -g @z_ai/coding-helper fails: npm ERR! Error: EACCES: permission denied, mkdir "
     "'/usr/local/lib/node_modules/@z_ai'. No sudo on my work laptop.", r"npx @z_ai/coding-helper"),
    ("coding-helper 的 Plugin Marketplace 里 glm-plan-usage 显示 not installed，可我明明装过了", r"2\.0\.70"),
    # Claude Code's marketplace or /plugin named, with no plugin's name: the same section
    ("Is there a way to see my remaining quota from inside Claude Code? I tried the marketplace thing; it installs, but "
     "/plugin still says 'not installed'. claude --version -> 2.0.65", r"2\.0\.70"),
])
def test_a_coding_helper_failure_its_page_troubleshoots_gets_that_section(message, must):
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and re.search(must, answer.text) and "coding-helper doctor" in answer.text


def test_a_vs_code_marketplace_extension_not_installed_gets_no_plugin_section():
    message = "Installed Cline from the VS Code marketplace but VS Code says the extension is not installed. Why?"
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is None or "2.0.70" not in answer.text


def test_a_permission_error_without_the_helper_named_gets_no_helper_section():
    message = "Claude Code says permission denied when it edits files in my repo"
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is None or "Coding Tool Helper page's troubleshooting" not in answer.text


def test_kilo_codes_dropdown_with_only_the_china_entry_is_an_option_missing():
    message = "Kilo Code 的 Z AI Entrypoint 下拉里只有 open.bigmodel.cn 那个，没有国际版，插件很久没更新了"
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and re.search(r"更新|update", answer.text)


def test_the_docs_own_setup_script_is_neither_the_china_platform_nor_an_api_call():
    message = ('Windows 11 上跑文档里的 curl -O "https://cdn.bigmodel.cn/install/claude_code_zai_env.sh" && bash '
               "./claude_code_zai_env.sh，PowerShell 报 bash 不是内部或外部命令。Windows 用户该怎么设置？")
    msg = analyse(message, SETTINGS.corpus_dir)
    assert not msg.china_platform and not msg.off_plan_use
    answer = answer_rules(message, [], SETTINGS, msg, FACTS)
    assert answer is not None and "不支持 Windows" in answer.text and "不可以" not in answer.text


def test_the_china_platforms_own_domain_is_still_the_china_platform():
    assert analyse("我用的是 open.bigmodel.cn 的 key，能在 Claude Code 里用吗", SETTINGS.corpus_dir).china_platform


def test_a_quota_gone_after_a_few_dozen_glm5_prompts_is_a_drain_with_glm5s_rate():
    message = ("Pro. Moved the opus mapping to glm-5 and was out of my 5-hour quota by 11:00 after maybe 50 prompts. "
               "Never happened on 4.7. Something is off with your metering.")
    assert analyse(message, SETTINGS.corpus_dir).quota_drain
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and "3 times as fast" in answer.text


def test_an_invite_count_said_to_be_wrong_is_no_quota_drain():
    assert not analyse("Referral popup says 27 invites, my list has 31; the invite count is wrong.",
                       SETTINGS.corpus_dir).quota_drain


def test_a_droid_model_missing_from_model_in_chinese_gets_the_provider_and_the_settings_file():
    message = ('droid 里 /model 看不到我加的 GLM，我把这段放到项目的 .factory/config.json 里了：\n{"customModels":[{"model":'
               '"glm-4.7","baseUrl":"https://api.z.ai/api/coding/paas/v4","apiKey":"...","provider":"openai"}]}\n是路径不对还是 '
               'provider 写错了？')
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and "generic-chat-completion-api" in answer.text and "~/.factory/settings.json" in answer.text


@pytest.mark.parametrize("message", [
    "Should I use coding-helper if Node is not installed yet on my Mac?",
    "coding-helper works fine but Claude Code gives permission denied when it edits files in my repo",
])
def test_a_helper_named_beside_another_problem_gets_no_helper_section(message):
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is None or "Coding Tool Helper page's troubleshooting" not in answer.text


@pytest.mark.parametrize("message", [
    "My own app calls https://api.z.ai/api/paas/v4/chat/completions with my Coding Plan API key and it's deducting my "
    "account balance instead of the plan. Why?",
    "自己写的脚本调用 https://api.z.ai/api/paas/v4/chat/completions，用的是套餐的 API key，为什么扣了余额？",
])
def test_own_code_with_the_plans_key_charged_to_the_balance_still_gets_the_coding_endpoint(message):
    assert not analyse(message, SETTINGS.corpus_dir).pays_per_use
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and "coding/paas/v4" in answer.text


def test_an_authentication_error_gets_no_request_parameters_line():
    message = 'Got error 1001 Authentication parameter not received in Header. My body: {"model":"glm-4.7","max_tokens":4096}'
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is not None and "max_tokens" not in answer.text


def test_a_model_dropdown_is_no_missing_entrypoint():
    message = "Kilo Code 的模型下拉里只有 glm-4.5 和 glm-4.6，没有 glm-4.7，怎么办？"
    answer = answer_rules(message, [], SETTINGS, analyse(message, SETTINGS.corpus_dir), FACTS)
    assert answer is None or "更新" not in answer.text


@pytest.mark.parametrize("message", ["ran out of my quota by 3pm, when does it reset?",
                                     "usage counter looks wrong after upgrading to Pro"])
def test_a_quota_used_up_or_a_counter_doubted_is_no_drain_story(message):
    assert not analyse(message, SETTINGS.corpus_dir).quota_drain


@pytest.mark.parametrize("message, asked", [
    ("~/.claude/settings.json 里 BASE_URL 到底填哪个？API_TIMEOUT_MS 要不要加，加多少？", True),
    ("API_TIMEOUT_MS 文档写的是 3000000，这个值最大能设多少？", True),
    # told in a story or pasted, or named in a question asking something else, not its value
    ("Upgraded to Pro for GLM-5 but /status still shows glm-4.7. My settings.json only has the token, base url and "
     "API_TIMEOUT_MS. Do I need to do something?", False),
    ("I changed API_TIMEOUT_MS in settings.json but nothing changed, do I need to restart Claude Code?", False),
    ("API_TIMEOUT_MS 已经按文档设了 3000000，为什么 Claude Code 还是让我 /login？", False),
    ("Does API_TIMEOUT_MS affect how much quota I use?", False),
])
def test_api_timeout_ms_asked_gets_the_faqs_value_and_a_person_for_what_the_docs_leave_open(message, asked):
    answer = answer_rules(message, [], SETTINGS, facts=FACTS)
    said = answer.text if answer is not None else ""
    assert ("3000000" in said and "z.ai/contact" in said) == asked, said


@pytest.mark.parametrize("message", [
    "Cline shows a cost of $1.20 for my session on the Pro plan. Am I actually being charged for that? And which base "
    "URL should I use?",
    "Goose displays a cost of $0.90 per session on my Lite plan. How do I configure Goose for the plan, and is that $0.90 "
    "real?",
])
def test_a_charge_asked_beside_a_setup_question_keeps_the_faqs_line_on_charges(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and "will not deduct from your account balance" in result.text, result


@pytest.mark.parametrize("message", [
    "python requests to https://api.z.ai/api/paas/v4 time out. Should I turn my proxy off? payload has temperature 0.2",
    "Calling the general API from my script keeps failing. Should I switch retries off?",
])
def test_turning_something_else_off_is_no_parameter_question(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is None or "The API reference (Chat Completion) on what you ask about" not in result.text, result.text


@pytest.mark.parametrize("message", [
    "I need to set up the vision MCP in Cline for my team. Can it analyze 20 MB videos?",
    "Want to add the vision MCP to Claude Code. Can it analyze a 12 MB mp4?",
])
def test_a_video_limit_beside_a_setup_wished_for_keeps_the_setup(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and "8 MB" in result.text and "@z_ai/mcp-server" in result.text, result


@pytest.mark.parametrize("message", [
    "web search MCP 的地址是 https://api.z.ai/api/mcp/web_search_prime/mcp 我在 Claude Code 里配好了能用，那 reader 的呢？也是 http 类型吗",
    "web search MCP works in Claude Code. what about the reader one, same url pattern?",
])
def test_a_follow_up_naming_another_server_short_gets_that_server(message):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and "web_reader/mcp" in result.text, result


@pytest.mark.parametrize("message, first", [
    ("How do I add the vision MCP to Cline? Same for the web reader, I guess?", "@z_ai/mcp-server"),
    ("搜索 MCP 返回空结果，怎么办？那 zread 的呢？", "Search returns empty results"),
])
def test_the_server_asked_first_keeps_its_answer_beside_a_follow_up(message, first):
    result = answer_rules(message, [], SETTINGS, facts=FACTS)
    assert result is not None and first in result.text, result


def test_servers_named_in_a_question_about_counts_are_no_follow_up():
    result = answer_rules("zread MCP 问私有仓库一直报 Repository access failed，公开仓库都正常。是要额外授权吗？还有 zread 的调用次数是单独算的，"
                          "还是跟联网搜索、网页读取一起算那 100 次？我是 Lite 包月", [], SETTINGS, facts=FACTS)
    assert result is not None and "Zread MCP 页面对这个问题的排查说明" in result.text, result
