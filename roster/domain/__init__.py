"""The domain model: typed, validated values every other part of the product passes around."""

from roster.domain.base import DomainModel, parse_clock
from roster.domain.requests import (
    Decision,
    Leave,
    LeaveStatus,
    LeaveType,
    Preference,
    PreferenceKind,
    ShiftRef,
    SwapRequest,
    SwapStatus,
)
from roster.domain.scenario import (
    Reference,
    RuleSetting,
    Team,
    TeamSettings,
    absent_days,
    prorated_minimum,
    team_problems,
)
from roster.domain.schedule import (
    Break,
    PlanningPeriod,
    Requirement,
    Roster,
    Segment,
    Shift,
)
from roster.domain.team import (
    Agent,
    AvailabilityWindow,
    Contract,
    ContractKind,
    MealBreak,
    Queue,
    ShiftTemplate,
)

__all__ = [
    "Agent", "AvailabilityWindow", "Break", "Contract", "ContractKind", "Decision",
    "DomainModel", "Leave", "LeaveStatus", "LeaveType", "MealBreak", "PlanningPeriod",
    "Preference", "PreferenceKind", "Queue", "Reference", "Requirement", "Roster",
    "RuleSetting", "Segment", "Shift", "ShiftRef", "ShiftTemplate", "SwapRequest",
    "SwapStatus", "Team", "TeamSettings", "absent_days", "parse_clock", "prorated_minimum",
    "team_problems",
]
