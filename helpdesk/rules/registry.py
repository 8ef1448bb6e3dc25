"""The rules intents, each registered once next to its own code: its triggers, its handler, the facts it may cite.

An intent lives in one family module (quota.py, pricing.py, referral.py, tools.py) as one unit:

    def higher_plan_first(text: str, s: Slots) -> bool: ...          # a trigger: does this question ask it?

    @register("downgrade", When(20, higher_plan_first), When(60, names_downgrade), facts=("sub.downgrade",))
    def downgrade(r: Reply, p: Parsed) -> str: ...                     # the handler: the answer, citing its facts

To add an intent, touch that one module: write the trigger, the handler and `@register(...)` with the fact ids
(from corpus/facts.toml) the handler may cite. `understand.intent_of` and `respond.respond` find it here. A new
family module is listed once in FAMILIES.

Precedence. Every `When(order, trigger)` is tried lowest order first, across all intents; the first trigger that
fires names the intent. Order matters ("switch from Max to Pro" is a downgrade before it is an upgrade), so orders
are explicit and unique; `python -m helpdesk.rules` prints them. One intent may sit at several orders
when different phrasings of it must win against different neighbours.

Groups. A group (`group("referral", order, claims)`) is a family that owns its questions: when `claims` fires, the
answer is the first member (a `When(..., group="referral")`, ordered within the group) whose trigger fires, or no
rule at all; later intents are not tried. "Does my invite count if my friend is in Europe?" is a referral question
no referral rule answers, so it must fall through to retrieval, not to some other rule.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable

from helpdesk.errors import HelpdeskError

if TYPE_CHECKING:
    from helpdesk.rules.respond import Reply
    from helpdesk.rules.understand import Parsed, Slots

Trigger = Callable[[str, "Slots"], bool]  # (normalised question, its slots) -> does the question ask this?
Handler = Callable[["Reply", "Parsed"], str]  # -> the answer text; cites facts through reply.fact(...)
Carry = Callable[["Slots", "Slots"], "Slots"]  # (the earlier turn's slots, the follow-up's) -> the slots answered

FAMILIES = ("helpdesk.rules.referral", "helpdesk.rules.pricing", "helpdesk.rules.quota", "helpdesk.rules.tools")


class RegistryError(HelpdeskError, RuntimeError):
    pass


@dataclass(frozen=True)
class When:
    """One place in the precedence where an intent is tried: its order, its trigger, the group it belongs to."""
    order: int
    trigger: Trigger
    group: str | None = None


@dataclass(frozen=True)
class Group:
    name: str
    order: int
    claims: Trigger
    module: str


def carry_over(before: "Slots", now: "Slots") -> "Slots":
    """A follow-up's slots replace the earlier turn's, one by one: "and on Max?" keeps everything but the plan."""
    return before.merged(now)


@dataclass(frozen=True)
class Intent:
    name: str
    handler: Handler
    facts: frozenset[str]  # every fact id the handler may cite; tests/test_rules_registry.py holds it to that
    when: tuple[When, ...]
    module: str
    carry: Carry = field(default=carry_over)  # how a follow-up turn ("and on day 20?") updates this intent's slots


_intents: dict[str, Intent] = {}
_groups: dict[str, Group] = {}
_plan: list | None = None  # the precedence, built once every family is loaded


def register(name: str, *when: When, facts: Iterable[str], carry: Carry = carry_over) -> Callable[[Handler], Handler]:
    """Register the decorated handler as intent `name`, tried at each `When`; `facts` are the ids it may cite."""
    def decorate(handler: Handler) -> Handler:
        global _plan
        if name in _intents:
            raise RegistryError(f"intent {name!r} is registered twice ({_intents[name].module} and "
                                f"{handler.__module__}); give one of them another name")
        if not when:
            raise RegistryError(f"intent {name!r} has no When(order, trigger): nothing would ever select it")
        _intents[name] = Intent(name=name, handler=handler, facts=frozenset(facts), when=tuple(when),
                                module=handler.__module__, carry=carry)
        _plan = None
        return handler
    return decorate


def group(name: str, order: int, claims: Trigger) -> str:
    """Register a group of intents that owns every question `claims` fires on; returns its name for `When(group=)`."""
    global _plan
    if name in _groups:
        raise RegistryError(f"group {name!r} is registered twice; give one of them another name")
    _groups[name] = Group(name=name, order=order, claims=claims, module=claims.__module__)
    _plan = None
    return name


def _load() -> list:
    """Import every family (each registers its intents on import) and build the precedence, checking it is sound."""
    global _plan
    if _plan is not None:
        return _plan
    for module in FAMILIES:
        importlib.import_module(module)
    top: list[tuple[int, object]] = [(g.order, g) for g in _groups.values()]
    members: dict[str, list[tuple[int, str, Trigger]]] = {g: [] for g in _groups}
    for intent in _intents.values():
        for w in intent.when:
            if w.group is None:
                top.append((w.order, (intent.name, w.trigger)))
            elif w.group in members:
                members[w.group].append((w.order, intent.name, w.trigger))
            else:
                raise RegistryError(f"intent {intent.name!r} names group {w.group!r}, which no family registers")
    _unique([order for order, _ in top], "the top level")
    for name, rows in members.items():
        _unique([order for order, _, _ in rows], f"group {name!r}")
        rows.sort(key=lambda row: row[0])
    top.sort(key=lambda unit: unit[0])
    _plan = [(unit, members[unit.name]) if isinstance(unit, Group) else (unit, None) for _, unit in top]
    return _plan


def _unique(orders: list[int], where: str) -> None:
    clashes = sorted({o for o in orders if orders.count(o) > 1})
    if clashes:
        raise RegistryError(f"orders {clashes} are used twice in {where}: precedence must be explicit, pick free ones")


def first_intent(text: str, slots: "Slots") -> str | None:
    """The first intent, by precedence, whose trigger fires; None when a claiming group has no member that fires."""
    for unit, members in _load():
        if members is None:
            name, trigger = unit
            if trigger(text, slots):
                return name
        elif unit.claims(text, slots):
            return next((name for _, name, trigger in members if trigger(text, slots)), None)
    return None


def fires(name: str, text: str, slots: "Slots") -> bool:
    """Does one of intent `name`'s own triggers fire on this text, whatever group claims it or precedes it?"""
    return any(w.trigger(text, slots) for w in intent(name).when)


def intents() -> dict[str, Intent]:
    _load()
    return dict(_intents)


def groups() -> dict[str, Group]:
    _load()
    return dict(_groups)


def intent(name: str) -> Intent:
    _load()
    try:
        return _intents[name]
    except KeyError:
        raise RegistryError(f"no intent {name!r} is registered; the families are {', '.join(FAMILIES)}") from None


def family_member(text: str, slots: "Slots", story: str, story_slots: "Slots", families: tuple[str, ...]) -> str | None:
    """The first member of one of `families` that claims the story but not the question, whose own trigger fires on
    the question: "...邀请链接...valid invites 61 个。每满 30 人都给？61 人算几轮？" is the referral family's tier question."""
    for unit, members in _load():
        if members is not None and unit.name in families and unit.claims(story, story_slots) and not unit.claims(text, slots):
            name = next((name for _, name, trigger in members if trigger(text, slots)), None)
            if name is not None:
                return name
    return None


def all_firing(text: str, slots: "Slots") -> list[str]:
    """Every intent whose trigger fires, in precedence order, a group's members only where the group claims the text:
    the first is `first_intent`'s (unless a claiming group has none), the others what the text also asks."""
    names: list[str] = []
    for unit, members in _load():
        if members is None:
            fired = [unit[0]] if unit[1](text, slots) else []
        else:
            fired = [name for _, name, trigger in members if trigger(text, slots)] if unit.claims(text, slots) else []
        names += [name for name in fired if name not in names]
    return names


def precedence() -> list[str]:
    """The order triggers are tried in, one line each: what to read when two intents compete for a question."""
    lines = []
    for unit, members in _load():
        if members is None:
            name, trigger = unit
            order = next(w.order for w in _intents[name].when if w.trigger is trigger and w.group is None)
            lines.append(f"{order:>4}  {name:<26} {trigger.__name__}")
        else:
            lines.append(f"{unit.order:>4}  [{unit.name}] group, claims by {unit.claims.__name__}; members:")
            lines += [f"{'':>4}  {order:>4}  {name:<20} {trigger.__name__}" for order, name, trigger in members]
    return lines

