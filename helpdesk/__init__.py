"""Support assistant for the Z.ai GLM Coding Plan: answers from the plan's own documentation."""


def __getattr__(name: str):
    # `from helpdesk import Helpdesk` without making `import helpdesk.settings` load the index and model code.
    if name == "Helpdesk":
        from helpdesk.core import Helpdesk

        return Helpdesk
    raise AttributeError(f"module 'helpdesk' has no attribute {name!r}")
