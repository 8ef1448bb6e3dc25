"""The offline answer's pieces (helpdesk/extractive.py) on hand-written doc text: no index needed."""

from __future__ import annotations

import pytest

from helpdesk.extractive import (FOR_SUBSCRIBERS, MODEL_PICKER, _introduced, _introduces_list, _label, _step_title,
                                 asks_for, quoted_phrases, unit_texts, units)

DOC = """Intro sentence about the page.

## Preserved thinking

This capability is enabled by default on the Coding Plan endpoint. If you want it elsewhere, set a flag.

If the changes did not take effect, refer to the following troubleshooting steps.

* Close all windows.
* Open a new terminal.
"""


def test_a_unit_knows_the_heading_it_stands_under():
    found = units(0, DOC, section="Thinking Mode")
    assert found[0].heading == "Thinking Mode"  # before any heading of its own: the chunk's section
    capability = next(u for u in found if u.text.startswith("This capability"))
    assert capability.heading == "Preserved thinking"
    assert not any(u.text.startswith("#") for u in found)


def test_the_following_steps_introduce_what_follows():
    found = units(0, DOC)
    intro = next(u for u in found if "the following" in u.text)
    assert _introduces_list(intro)
    assert not _introduces_list(next(u for u in found if u.text.startswith("This capability")))


def test_a_yes_or_no_question_that_names_an_endpoint_asks_for_no_url():
    assert asks_for("Which endpoint does the coding plan use?")
    assert not asks_for("Is preserved thinking on by default when I use the coding endpoint?")
    assert asks_for("Is there a command to install it? Show me the command")


def test_a_title_line_is_context_never_the_answer():
    found = units(0, "Configure MCP Server\nClaude Code\nRun opencode auth login\nEdit the file. Then restart.\n")
    assert [u.is_heading for u in found] == [True, True, False, False, False]
    assert found[2].heading == "Claude Code"
    # the same units ingestion stored vectors for: a title is flagged, not dropped
    assert [u.text for u in found] == unit_texts("Configure MCP Server\nClaude Code\nRun opencode auth login\n"
                                                 "Edit the file. Then restart.\n")


def test_switching_the_model_in_a_tool_asks_for_the_tools_picker():
    """"how do I switch it to GLM-4.7 inside opencode?": the page's /models, ctrl+p or "Switch Models", not its config."""
    for question in ("how do I actually switch it to GLM-4.7 inside opencode?", "Crush 里改完 crush.json 之后怎么切模型",
                     "Where do I pick my GLM model in droid?"):
        assert MODEL_PICKER in asks_for(question), question
    assert MODEL_PICKER not in asks_for("Which model is best for refactoring?")
    for line in ("Use the /models command to select a model like GLM-4.7.", 'Press `ctrl+p`, choose "Switch Model"',
                 'Locate and click "Switch Models" at the bottom of the main interface'):
        assert MODEL_PICKER.search(line), line
    assert not MODEL_PICKER.search("Set the model to glm-4.7 in ~/.config/crush/crush.json")


def test_the_step_written_for_plan_subscribers_is_known():
    assert FOR_SUBSCRIBERS.match("If you are subscribed to the **GLM Coding Plan**, select **Z.AI Coding Plan**.")
    assert not FOR_SUBSCRIBERS.match("Run opencode auth login and select Z.AI.")


def test_a_troubleshooting_issue_line_restates_the_problem_in_markdown_too():
    """"**Issue:** Web content reading returned empty result": the problem restated, so its Solutions follow it."""
    found = units(0, "Webpage fetch failed\n**Issue:** Web content reading returned empty result or error\n\n**Solutions:**\n\n"
                     "1. Confirm the target URL is accessible\n2. Check if the page has anti-scraping mechanisms\n")
    issue = next(u for u in found if "Web content" in u.text)
    assert _label(issue)
    assert not _label(next(u for u in found if "anti-scraping" in u.text))


def test_a_blockquoted_note_is_a_unit_and_a_pages_blockquoted_summary_is_not():
    found = [u.text for u in units(0, "> Methods for Using the GLM Coding Plan in Claude Code\n\nRun claude.\n\n"
                                      "> If prompted with \"Do you want to use this API key,\" select \"Yes.\"\n")]
    assert not any("Methods for" in text for text in found)
    assert any(text.startswith("If prompted with") for text in found), found


def test_words_copied_from_a_screen_are_a_phrase_to_find():
    assert quoted_phrases('it asks "Do you want to use this API key?" and I have no idea') == (
        "do you want to use this api key",)
    assert quoted_phrases("第一次启动 claude 弹出 Do you want to use this API key，选 Yes 还是 No？") == (
        "do you want to use this api key",)
    assert quoted_phrases('set "provider" to "openai"') == ()  # a setting's name or value is no screen's sentence


def test_a_long_command_lists_commented_lines_are_units_and_hold_a_command():
    """A code block too long to quote whole is a command list when its lines say what they do: each such line is a
    unit ("how do I switch it to English?" finds `lang set en_US`), never a title; a short block stays one unit."""
    long_block = "```bash\n# Language management\n" + "".join(
        f"coding-helper lang show{n}              # Display the current language {n}\n" for n in range(8)) + \
        "coding-helper lang set en_US         # Switch to English\ncoding-helper init\n```"
    found = units(0, "Commands:\n\n" + long_block)
    assert "`coding-helper lang set en_US  # Switch to English`" in [u.text for u in found]
    assert not any("init" in u.text or "Language management" in u.text for u in found)  # no comment, no command
    line = next(u for u in found if "en_US" in u.text)
    assert not _label(line) and any(p.search(line.text) for p in asks_for("which command switches it to English?"))
    short = units(0, "```bash\nnpx @z_ai/coding-helper  # run it\n```")
    assert [u.text for u in short] == ["```bash\nnpx @z_ai/coding-helper  # run it\n```"]



def test_a_setting_copied_from_the_screen_counts_as_the_value_asked_for():
    """The message describes its provider and base URL (so URL and provider values look wanted) but names the box it
    left at the default, "Context Window Size": the unit holding that box is the value it needs, not a topic-only line."""
    from helpdesk.extractive import Unit, _bonus
    from helpdesk.settings import Settings

    question = ('Provider is OpenAI Compatible, base url https://api.z.ai/api/coding/paas/v4. The "Context Window Size" '
                "box was left at 128000.")
    unit = Unit(0, 0, "Adjust **Context Window Size** to `204800`", True)
    wanted, settings = asks_for(question), Settings()
    assert wanted and not any(p.search(unit.text) for p in wanted)  # no URL, no provider in it
    copied = _bonus(question, unit, wanted, settings, quoted_phrases(question))
    plain_bonus = _bonus(question, unit, wanted, settings, ())
    assert copied - plain_bonus >= settings.extractive_value_bonus * 2  # held, not penalised, and the phrase itself


@pytest.mark.parametrize("question, kinds", [
    ("how do I take that link down", 1),  # the step that removes it, not a URL
    ("怎么把这个公开链接撤掉", 1),
    ("what is the link to the usage page?", 1),
    ("how do I remove the MCP server and add it again?", 2),  # the command, and the step that removes
])
def test_a_thing_to_remove_asks_for_the_way_to_remove_it(question, kinds):
    from helpdesk.extractive import _REMOVES
    wanted = asks_for(question)
    assert len(wanted) == kinds
    if "link" in question or "链接" in question:
        assert (_REMOVES in wanted) is ("down" in question or "撤" in question)


def test_the_sites_repeated_notes_are_boilerplate_and_a_pages_own_sentences_are_not():
    from helpdesk.extractive import boilerplate, plain
    from helpdesk.settings import Settings
    repeated = boilerplate(str(Settings.from_env({}).corpus_dir))
    assert any(key.startswith("using the glm coding plan you need to configure the dedicated coding api") for key in repeated)
    assert plain("Press ctrl+p, choose Switch Model") not in repeated
    assert all(len(key.split()) >= 6 for key in repeated)


def test_a_step_told_without_a_full_stop_is_no_title():
    from helpdesk.extractive import _label, units
    step = units(0, 'Press `ctrl+p`, choose "Switch Model"')[0]
    title = units(0, "Launch Crush and Select Model")[0]
    assert not _label(step) and _label(title)


def test_a_command_the_subscriber_ran_or_node_named_asks_for_no_command_or_version():
    from helpdesk.extractive import VERSION_VALUE, asks_for
    assert asks_for("npx z_ai/coding-helper Network Error proxy HTTP node") == []
    assert VERSION_VALUE in asks_for("which node version do I need")
    assert VERSION_VALUE in asks_for("error npx z_ai/coding-helper node v v14.17.0 SyntaxError")
    assert asks_for("how do I add the web search MCP in Claude Code") != []


def test_killing_a_link_asks_for_the_step_that_removes_it():
    from helpdesk.extractive import _REMOVAL
    assert _REMOVAL.search("how do I kill the public link?")
    assert _REMOVAL.search("can I nuke that share?")
    assert not _REMOVAL.search("the process was killed by the OS")


def test_another_way_than_the_one_named_prefers_the_pages_other_one():
    from helpdesk.extractive import OTHER_WAY, Unit, _bonus
    from helpdesk.settings import Settings
    settings = Settings.from_env({})
    question = "curl | bash is blocked here. any other way to install opencode?"
    assert OTHER_WAY.search(question) and OTHER_WAY.search("除了 npm 还有别的办法吗")
    named = Unit(passage=0, order=0, text="curl -fsSL https://opencode.ai/install | bash", is_item=False)
    other = Unit(passage=0, order=1, text="You can also install it with npm:", is_item=False)
    assert _bonus(question, other, [], settings) > _bonus(question, named, [], settings)


def test_a_documented_parameter_the_message_names_is_a_phrase_to_find():
    from helpdesk.extractive import documented_identifiers, named_identifiers
    from helpdesk.settings import Settings
    corpus = str(Settings.from_env({}).corpus_dir)
    assert "do_sample" in documented_identifiers(corpus)
    assert named_identifiers("my body also has do_sample: false and top_p=0.3", corpus) == ("do sample", "top p")
    assert named_identifiers("my_own_variable is not in the docs", corpus) == ()



def test_an_apostrophe_quotes_nothing_and_a_single_quoted_phrase_is_still_one():
    assert quoted_phrases("the FAQ's settings.json has a line I don't get. I'm on Max, what is it for?") == ()
    assert quoted_phrases("it asks 'Do you want to use this API key?' and I'm lost") == ("do you want to use this api key",)


def test_an_environment_variable_the_docs_set_is_a_named_identifier():
    from helpdesk.extractive import named_identifiers
    from helpdesk.settings import Settings
    corpus = str(Settings.from_env({}).corpus_dir)
    # the FAQ sets it in a settings.json block, never in backticks
    assert named_identifiers("what value goes in CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC?", corpus) == (
        "claude code disable nonessential traffic",)
    assert named_identifiers("what is MY_OWN_SETTING_NAME for?", corpus) == ()
    # one shown with its value is what they have set, not what they ask about
    assert named_identifiers("CLI works (ANTHROPIC_BASE_URL = https://api.z.ai/api/anthropic). Why no IDE panel?", corpus) == ()
    assert named_identifiers('"ANTHROPIC_BASE_URL": "https://api.z.ai/api/anthropic", "CLAUDE_CODE_DISABLE_NONESSENTIAL_'
                             'TRAFFIC": ???', corpus) == ("claude code disable nonessential traffic",)


def test_what_the_message_already_quotes_is_no_answer():
    from helpdesk.extractive import Unit, _bonus
    from helpdesk.settings import Settings
    settings = Settings.from_env({})
    question = "we want opencode to react to `/opencode fix this` comments. what's the command to set up the GitHub side?"
    echo = Unit(passage=0, order=0, text="/opencode fix this", is_item=False)
    other = Unit(passage=0, order=1, text="opencode github install", is_item=False)
    assert _bonus(question, other, [], settings) > _bonus(question, echo, [], settings)


def test_a_tool_name_the_docs_list_in_camel_case_is_a_named_identifier():
    from helpdesk.extractive import named_identifiers
    from helpdesk.settings import Settings
    corpus = str(Settings.from_env({}).corpus_dir)
    assert named_identifiers("does it keep the name WebSearchPrime from z.ai?", corpus) == ("websearchprime",)
    assert named_identifiers('my "mcpServers" block is below', corpus) == ()  # a config key, not a listed tool


def test_how_to_turn_a_feature_on_asks_for_the_setting_that_enables_it():
    wanted = asks_for("how do I enable preserved thinking on the general API?")
    assert wanted and any(p.search('you can turn it on by setting **"clear_thinking": false**') for p in wanted)
    assert not any(p.search("This capability improves cache hit rates.") for p in wanted)
    assert asks_for("普通 API 要怎么开启？")


def test_the_kinds_of_value_asked_come_from_the_questions_not_the_story():
    """A command run and a base URL pasted in the story ask for neither; a yes-or-no question asks for no value; a
    question that leans on the story for its subject ("how do I get glm-4.7 in there?") reads the whole message."""
    from helpdesk.extractive import VALUE_KINDS, asked_values
    url, command = VALUE_KINDS[0][1], VALUE_KINDS[1][1]
    story = ("factory droid, BYOK through customModels (baseUrl https://api.z.ai/api/coding/paas/v4). One `pnpm install` "
             "+ build cycle is 9 confirmations. ")
    polar = ("Is there an auto-run level that lets it do package installs on its own?",)
    assert asked_values(polar, story + polar[0]) == []
    assert url in asks_for(story + polar[0]) and command in asks_for(story + polar[0])  # the whole text would want both
    leaning = ("How do I get glm-4.7 in there?",)
    cline = "API Provider = OpenAI Compatible, Base URL https://api.z.ai/api/coding/paas/v4. " + leaning[0]
    assert asked_values(leaning, cline) == asks_for(cline) != []
    asked = ("Windows 下正确的安装命令是啥?",)
    assert asked_values(asked, "文档给的是 curl -fsSL https://app.factory.ai/cli | sh。" + asked[0]) == [command]
    assert asked_values((), story) == asks_for(story)  # no question sentence: the whole text


def test_a_keyboard_shortcut_asked_wants_the_keys_to_press():
    from helpdesk.extractive import Unit, _bonus
    from helpdesk.settings import Settings
    question = "how do I pop it open next to my code, is there a keyboard shortcut?"
    wanted, settings = asks_for(question), Settings.from_env({})
    keys = Unit(0, 0, "* **Quick Launch**: Use `Cmd+Esc` (Mac) or `Ctrl+Esc` (Windows/Linux) to open OpenCode", True)
    prose = Unit(0, 1, "OpenCode integrates with VS Code, Cursor, or any IDE that supports a terminal.", False)
    assert wanted and any(p.search(keys.text) for p in wanted) and not any(p.search(prose.text) for p in wanted)
    assert asks_for("怎么打开，有快捷键吗") and not asks_for("what does the Ctrl key do in crush")
    assert _bonus(question, keys, wanted, settings) > _bonus(question, prose, wanted, settings)


def test_a_code_block_the_message_already_ran_is_no_answer():
    """"installed with `npm install -g opencode-ai`": the page's block holding that command (fenced as bash) repeats
    the message; a block the message does not hold is not marked down."""
    from helpdesk.extractive import Unit, _bonus
    from helpdesk.settings import Settings
    settings = Settings.from_env({})
    told = "OpenCode CLI installed with `npm install -g opencode-ai`. How am I supposed to install the extension?"
    ran = Unit(0, 0, "```bash\nnpm install -g opencode-ai\n```", False)
    other = Unit(0, 1, "```bash\ncurl -fsSL https://opencode.ai/install | bash\n```", False)
    wanted = asks_for(told)
    assert _bonus(told, ran, wanted, settings, (), told) < _bonus(told, other, wanted, settings, (), told) - 0.3


def test_a_request_without_a_question_mark_still_asks_for_its_value():
    """"Give me the droid install command for Windows. Is PowerShell fine?": the request asks for the command, though
    the only question sentence is a yes-or-no one."""
    from helpdesk.extractive import VALUE_KINDS, asked_values
    message = "Give me the droid install command for Windows. Is PowerShell fine?"
    assert VALUE_KINDS[1][1] in asked_values(("Is PowerShell fine?",), message)
    assert asked_values(("Is PowerShell fine?",), "I installed droid on Windows with the command. Is PowerShell fine?") == []


def test_a_command_asked_about_is_no_echo():
    from helpdesk.extractive import Unit, _bonus
    from helpdesk.settings import Settings
    settings = Settings.from_env({})
    asked = ("Is `npm install -g opencode-ai` still the right way to install it?",)
    block = Unit(0, 0, "```bash\nnpm install -g opencode-ai\n```", False)
    wanted = asks_for(asked[0])
    confirmed = _bonus(asked[0], block, wanted, settings, (), asked[0], asked)
    echoed = _bonus(asked[0], block, wanted, settings, (), "I ran `npm install -g opencode-ai`. " + asked[0], ())
    assert confirmed > echoed


SOURCE_STEPS = """### 3. Configure Frontend Environment

In the project root directory, modify `.env.development`:

```bash
VITE_PROXY_URL=http://localhost:3001
```

### 4. Start Frontend Service

Run the dev server.
"""


def test_a_quoted_introduction_brings_its_code_block_or_is_left_out():
    """"modify `.env.development`:" chosen as a runner-up, not the lead: its block follows it, since a colon with
    nothing after it answers nothing; when the block cannot fit, the introduction goes too."""
    found = units(0, SOURCE_STEPS)
    intro = next(u for u in found if u.text.startswith("In the project root"))
    block = next(u for u in found if "VITE_PROXY_URL" in u.text)
    other = next(u for u in found if u.text.startswith("Run the dev"))
    added = []
    shown = _introduced([other, intro], {0: found}, lambda u: added.append(u) or True)
    assert shown == [other, intro, block] and added == [block]
    assert _introduced([other, intro], {0: found}, lambda u: False) == [other]  # no room for the block
    assert _introduced([intro, block], {0: found}, lambda u: False) == [intro, block]  # already chosen: kept once
    assert _introduced([other], {0: found}, lambda u: False) == [other]  # a plain sentence stands alone


def test_a_numbered_steps_title_is_told_apart_from_a_step_that_says_what_to_do():
    """"3. Configure Frontend Environment" has its body below it (which follows it into an answer); "1. Run `npm i`"
    and a list of titles with no body between them stand as they are."""
    found = units(0, "1. Clone the Repository\n\n```bash\ngit clone x\n```\n\n2. Configure Frontend Environment\n\n"
                     "In the project root directory, modify `.env.development`:\n\n"
                     "3. Run `npm run dev` and open the page.\n\n4. Done\n")
    titles = {u.text.strip(): _step_title(u, found) for u in found if u.is_item}
    assert titles == {"1. Clone the Repository": True, "2. Configure Frontend Environment": True,
                      "3. Run `npm run dev` and open the page.": False, "4. Done": False}
    listed = units(0, "1. Download Eigent\n2. Install the Application\n3. Launch Eigent\n")
    assert not any(_step_title(u, listed) for u in listed)
