"""Plans as JSON documents: for versions, adjustments, the audit trail and the public pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.domain.plans.model import (
    JointType,
    Plan,
    PlanKind,
    PlanStatus,
    SamplingMode,
    SamplingRule,
    TargetScope,
    Task,
    TaskType,
)


def scope_snapshot(scope: TargetScope) -> dict[str, Any]:
    return {"text": scope.text, "industries": list(scope.industries), "counties": list(scope.counties),
            "tags": list(scope.tags), "credit_classes": list(scope.credit_classes)}


def scope_from(data: dict[str, Any]) -> TargetScope:
    return TargetScope(data["text"], tuple(data.get("industries", ())), tuple(data.get("counties", ())),
                       tuple(data.get("tags", ())), tuple(data.get("credit_classes", ())))


def sampling_snapshot(rule: SamplingRule) -> dict[str, Any]:
    return {"text": rule.text, "mode": rule.mode.value, "class_rates": dict(rule.class_rates),
            "min_ratio": rule.min_ratio, "min_per_industry": rule.min_per_industry,
            "team_departments": list(rule.team_departments), "team_size": rule.team_size}


def sampling_from(data: dict[str, Any]) -> SamplingRule:
    return SamplingRule(data["text"], SamplingMode(data["mode"]), dict(data.get("class_rates") or {}),
                        data.get("min_ratio"), data.get("min_per_industry"), tuple(data.get("team_departments", ())),
                        int(data.get("team_size", 2)))


def task_snapshot(task: Task) -> dict[str, Any]:
    return {
        "task_no": task.task_no, "name": task.name, "task_type": task.task_type.value,
        "joint_type": task.joint_type.value, "lead_department": task.lead_department,
        "joint_departments": list(task.joint_departments),
        "items": {dept: list(codes) for dept, codes in task.items.items()}, "items_text": task.items_text,
        "scope": scope_snapshot(task.scope), "window_start": task.window_start.isoformat(),
        "window_end": task.window_end.isoformat(), "window_text": task.window_text,
        "sampling": sampling_snapshot(task.sampling), "lead_text": task.lead_text, "joint_text": task.joint_text,
    }


def task_from(data: dict[str, Any]) -> Task:
    return Task(
        task_no=data["task_no"], name=data["name"], task_type=TaskType(data["task_type"]),
        joint_type=JointType(data["joint_type"]), lead_department=data["lead_department"],
        joint_departments=tuple(data.get("joint_departments", ())),
        items={dept: tuple(codes) for dept, codes in (data.get("items") or {}).items()},
        items_text=data.get("items_text", ""), scope=scope_from(data["scope"]),
        window_start=date.fromisoformat(data["window_start"]), window_end=date.fromisoformat(data["window_end"]),
        window_text=data.get("window_text", ""), sampling=sampling_from(data["sampling"]),
        lead_text=data.get("lead_text", ""), joint_text=data.get("joint_text", ""),
    )


#: The parts of a plan an adjustment may change (status, version and approvals are the workflow's).
CONTENT_FIELDS = ("name", "issuing_document", "issued_on", "notes", "tasks")


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    return {
        "plan_no": plan.plan_no, "name": plan.name, "year": plan.year, "kind": plan.kind.value,
        "issuing_document": plan.issuing_document,
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else None, "status": plan.status.value,
        "version": plan.version, "notes": plan.notes, "tasks": [task_snapshot(t) for t in plan.tasks],
    }


def plan_from(data: dict[str, Any]) -> Plan:
    return Plan(
        plan_no=data["plan_no"], name=data["name"], year=int(data["year"]), kind=PlanKind(data["kind"]),
        issuing_document=data.get("issuing_document", ""),
        issued_on=date.fromisoformat(data["issued_on"]) if data.get("issued_on") else None,
        tasks=[task_from(t) for t in data.get("tasks", [])], status=PlanStatus(data.get("status", "draft")),
        version=int(data.get("version", 1)), notes=data.get("notes", ""),
    )


def content_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` over the content fields; tasks compare field by field as ``tasks[task_no].field``."""
    changes: dict[str, list[Any]] = {}
    for name in CONTENT_FIELDS:
        if name == "tasks":
            continue
        if before.get(name) != after.get(name):
            changes[name] = [before.get(name), after.get(name)]
    old = {t["task_no"]: t for t in before.get("tasks", [])}
    new = {t["task_no"]: t for t in after.get("tasks", [])}
    for task_no in sorted(old.keys() | new.keys()):
        if task_no not in new:
            changes[f"tasks[{task_no}]"] = [old[task_no], None]
        elif task_no not in old:
            changes[f"tasks[{task_no}]"] = [None, new[task_no]]
        else:
            for key in new[task_no]:
                if old[task_no].get(key) != new[task_no][key]:
                    changes[f"tasks[{task_no}].{key}"] = [old[task_no].get(key), new[task_no][key]]
    return changes
