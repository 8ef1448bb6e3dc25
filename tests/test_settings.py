"""The one settings object: every field documented and in .env.example, the environment beats `.env`, and a bad
value is an error that names the variable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from helpdesk.errors import HelpdeskError
from helpdesk.settings import PROJECT_ROOT, Rate, Settings, SettingsError

EXAMPLE = PROJECT_ROOT / ".env.example"


def test_every_field_has_a_variable_and_a_one_line_description():
    fields = {f.name for f in dataclasses.fields(Settings)}
    documented = {field for field, _ in Settings.variables().values()}
    assert documented == fields  # no field without its environment variable
    for name, (field, description) in Settings.variables().items():
        assert 15 < len(description) < 140 and "\n" not in description, (name, description)
        assert name.startswith(("HELPDESK_", "CHROMA_", "ZAI_")), name


def test_every_variable_has_a_line_in_env_example():
    example = EXAMPLE.read_text(encoding="utf-8")
    missing = [name for name in Settings.variables() if f"{name}=" not in example]
    assert not missing, f"add these to .env.example: {missing}"


def test_env_example_states_the_defaults(monkeypatch):
    """Copying .env.example to .env changes nothing: its values are the defaults (paths relative to the root)."""
    monkeypatch.chdir(PROJECT_ROOT)
    copied, default = Settings.from_env({}, env_file=EXAMPLE), Settings.from_env({})
    for field in dataclasses.fields(Settings):
        ours, theirs = getattr(copied, field.name), getattr(default, field.name)
        if isinstance(ours, Path):
            ours, theirs = ours.resolve(), theirs.resolve()
        assert ours == theirs, field.name


def test_dotenv_is_read_and_the_environment_beats_it(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("# a developer's settings\nHELPDESK_TOP_K=9\nHELPDESK_LLM_MODEL=glm-4.7\n"
                                   "ZAI_API_KEY=key-from-file\nHELPDESK_RATE_LIMIT=5/second\nHELPDESK_SUPPORT_URL=\n",
                                   encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in Settings.variables():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HELPDESK_LLM_MODEL", "glm-from-the-environment")

    settings = Settings.from_env()
    assert settings.top_k == 9 and settings.rate_limit == Rate(5, 1.0)  # from .env
    assert settings.llm_model == "glm-from-the-environment"  # the environment wins
    assert settings.llm_api_key == "key-from-file" and settings.llm_enabled and "key-from-file" not in repr(settings)
    assert settings.support_url == "https://z.ai/contact"  # empty means the default
    assert Settings.from_env({}).top_k == 5  # an explicit environment (as in tests) reads no .env
    assert Settings.from_env({}, env_file=tmp_path / ".env").top_k == 9  # unless it is named


def test_a_bad_value_in_dotenv_names_the_variable(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("HELPDESK_LLM_CONCURRENCY=lots\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HELPDESK_LLM_CONCURRENCY", raising=False)
    with pytest.raises(SettingsError, match="HELPDESK_LLM_CONCURRENCY='lots' is not a whole number; unset it to use"):
        Settings.from_env()


@pytest.mark.parametrize("env, says", [
    ({"HELPDESK_TOP_K": "five"}, "HELPDESK_TOP_K='five' is not a whole number; unset it to use 5"),
    ({"HELPDESK_TOP_K": "0"}, "HELPDESK_TOP_K='0' must be at least 1; unset it to use 5"),
    ({"HELPDESK_LLM_TIMEOUT": "20s"}, "HELPDESK_LLM_TIMEOUT='20s' is not a number; unset it to use 20.0"),
    ({"HELPDESK_LLM_TIMEOUT": "0"}, "HELPDESK_LLM_TIMEOUT='0' must be more than 0"),
    ({"HELPDESK_LLM_THINKING": "maybe"}, "HELPDESK_LLM_THINKING='maybe' is not a yes/no value; use 1 or 0"),
    ({"HELPDESK_CONVERSATION_LOG_DAYS": "-1"}, "HELPDESK_CONVERSATION_LOG_DAYS='-1' must be at least 0"),
    ({"HELPDESK_ANSWER_WORKERS": "300"}, "HELPDESK_ANSWER_WORKERS='300' must be at most 256; unset it to use the "
                                         "default"),
    ({"HELPDESK_MAX_BODY_BYTES": "100"}, "HELPDESK_MAX_BODY_BYTES='100' must be at least 1024"),
    ({"CHROMA_HOST": "chroma", "CHROMA_PORT": "http"}, "CHROMA_PORT='http' is not a whole number"),
    ({"HELPDESK_RATE_LIMIT": "fast"}, "HELPDESK_RATE_LIMIT='fast' is not a rate; use e.g. HELPDESK_RATE_LIMIT=30/min"),
    ({"HELPDESK_ALLOWED_ORIGINS": "https://ok.example, example.org"}, "has 'example.org', which is not an origin"),
    ({"HELPDESK_TRUSTED_PROXIES": "10.0.0.5, proxy"}, "has 'proxy', which is not an IP address or network"),
])
def test_bad_values_name_the_variable_and_the_fix(env, says):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    assert says in str(caught.value)
    assert isinstance(caught.value, HelpdeskError) and isinstance(caught.value, ValueError)


def test_values_are_read_as_typed():
    settings = Settings.from_env({"HELPDESK_TOP_K": " 8 ", "HELPDESK_LLM_THINKING": "on", "CHROMA_HOST": "chroma",
                                  "HELPDESK_INDEX_DIR": "~/helpdesk-index", "HELPDESK_LLM_API_KEY": "",
                                  "ZAI_API_KEY": "zai-key", "HELPDESK_ALLOWED_ORIGINS": "https://a.example/, *",
                                  "HELPDESK_RATE_LIMIT": "off", "HELPDESK_ANSWER_WORKERS": "4"})
    assert settings.top_k == 8 and settings.llm_thinking is True
    assert settings.chroma_port == 8000 and settings.server_mode  # a server without a port: Chroma's default
    assert settings.index_dir == Path.home() / "helpdesk-index"
    assert settings.llm_api_key == "zai-key"  # an empty HELPDESK_LLM_API_KEY does not hide ZAI_API_KEY
    assert Settings.from_env({"HELPDESK_LLM_API_KEY": "own", "ZAI_API_KEY": "zai"}).llm_api_key == "own"
    assert settings.allowed_origins == ("https://a.example", "*") and settings.rate_limit is None
    assert settings.answer_workers == 4


def test_a_variant_is_validated_like_the_environment():
    settings = Settings.from_env({})
    assert dataclasses.replace(settings, top_k=8).top_k == 8 and hash(settings) == hash(Settings.from_env({}))
    with pytest.raises(ValueError):
        dataclasses.replace(settings, top_k=0)
    with pytest.raises(SettingsError, match="HELPDESK_TOP_K=0 must be at least 1"):
        Settings.from_env({}, top_k=0)


def test_secrets_never_show_in_repr():
    settings = Settings.from_env({"ZAI_API_KEY": "sk-SECRET-1", "HELPDESK_SECRET": "SECRET-2",
                                  "HELPDESK_INSIGHTS_PASSWORD": "SECRET-3"})
    assert "SECRET" not in repr(settings) and settings.secret == "SECRET-2"
