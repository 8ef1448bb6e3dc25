"""What a visitor may read of an answer: its notes without operator detail.

The AI layer's notes say what an operator needs (the base URL, the setting to change, "recharge the account
balance"); those belong in the log. A surface that shows answers to the public (the HTTP API and widget, the
chat UI) shows `public_answer(result).notes` instead: the same facts in words meant for a subscriber.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from helpdesk.schema import Answer

AI_UNAVAILABLE = "AI answer unavailable"
PUBLIC_AI_UNAVAILABLE = (f"{AI_UNAVAILABLE}: the AI service is not available right now. Showing the answer quoted "
                         "from the documentation instead.")


def public_answer(result: Answer, extra: Sequence[str] = ()) -> Answer:
    """`result` with each operator note replaced by its public wording, and `extra` public notes added."""
    wording = result.trace.get("public_notes") or {}
    notes = []
    for note in result.notes:
        if note in wording:
            notes.append(wording[note])
        elif note.startswith(AI_UNAVAILABLE):  # an AI note without its public wording: say only that it failed
            notes.append(PUBLIC_AI_UNAVAILABLE)
        else:
            notes.append(note)
    notes += [note for note in extra if note not in notes]
    return replace(result, notes=tuple(notes))
