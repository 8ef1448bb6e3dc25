"""`python -m helpdesk.rules`: the rules intents in the order their triggers are tried (helpdesk/rules/registry.py)."""

from helpdesk.rules import registry

print("\n".join(registry.precedence()))
