"""The text of a channel message: a title and a few lines with the essentials (source, stars,
first line, the link to the case), the same for every service."""

from __future__ import annotations

from responses.models import NotifyEvent

Type = NotifyEvent.Type


def _mention_lines(data: dict) -> list[str]:
    mention = data.get("mention")
    if not mention:
        return []
    stars = f" {mention['stars']}" if mention.get("stars") else ""
    lines = [f"{mention['source']}{stars} — {mention['author'] or 'anonymous'}"]
    if mention.get("first_line"):
        lines.append(f"“{mention['first_line']}”")
    link = (data.get("case") or {}).get("url") or mention.get("case_url") or mention.get("url")
    if link:
        lines.append(link)
    return lines


def message_for(event: NotifyEvent) -> tuple[str, str]:
    data = event.payload["data"]
    title = event.get_type_display()
    lines: list[str] = []
    if event.type == Type.CASE_STATUS:
        title = f"Case {data['case']['id']}: {data['old_status']} → {data['new_status']}"
    elif event.type in (Type.REPLY_SUBMITTED, Type.REPLY_APPROVED, Type.REPLY_RETURNED):
        by = data["reply"]["by"] or "someone"
        title = f"{event.get_type_display()} by {by} (case {data['case']['id']})"
        if data["reply"].get("comment"):
            lines.append(f"Comment: {data['reply']['comment']}")
    elif event.type in (Type.INCIDENT_DECLARED, Type.INCIDENT_UPDATED):
        incident = data["incident"]
        title = f"{event.get_type_display()}: {incident['title']} ({incident['status']})"
        lines += [incident["message"], incident["url"]]
    elif event.type == Type.SOURCE_PAUSED:
        source = data["source"]
        title = f"Source paused: {source['name']}"
        lines.append(f"Why: {source.get('reason', '')}")
    elif "case" in data and event.type != Type.MENTION_NEGATIVE:
        title = f"{event.get_type_display()} (case {data['case']['id']})"
    lines = _mention_lines(data) + lines
    return title, "\n".join(line for line in lines if line)
