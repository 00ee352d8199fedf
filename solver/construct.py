"""A first rota for long periods, built a few weeks at a time (a rolling horizon).

On a long one-off period with tight fairness (the PICU example: 26 weeks, hours within 4 h a
week per WTE) CP-SAT finds no rota at all in minutes, while the same rules over 4 or 8 weeks
are solved in two or three seconds (measured: benchmarks/bench_departments.py). So the rota
is grown in windows: the first `window_weeks` weeks are solved as a one-off period of their
own; then the first 2 x `window_weeks`, with the earlier weeks fixed as found (all but the
last `overlap_days`, re-solved with the new weeks so a run at the seam can change); and so on
to the whole period. Each window is the real model of its prefix (every rule, the patterns,
fairness on the prefix's shares, pay as the objective), so each prefix is a compliant, fair,
cheap rota of its weeks, and the last window is the whole spec: its rota is a complete
solution of the full model, handed to the full search as its hint (`solve.py`).

Nothing here decides what is returned: a window that finds nothing ends the construction
(None), and the full search runs as it would without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from rota_solve.solver.spec import Spec

Key = tuple[str, int, str]  # (doctor, day, shift code): a variable of the model


@dataclass(frozen=True)
class Plan:
    """How the construction is run (solver_settings.toml, [construct])."""

    from_weeks: int  # construct only for periods of at least this many weeks
    window_weeks: int
    overlap_days: int
    share: float  # of the time limit, for all the windows together
    improve_share: float  # of the time limit, for re-solving windows of the whole rota
    improve_seconds: float = 3.0  # the time each improvement window is given
    final_seconds: float = 0.0  # the least time left for the whole model at the end
    # the whole-model search at the end, where the cuts give the pay bill a floor, runs only
    # on this many workers or more (0: always); where they give none it always runs
    final_with_floor_workers: int = 0
    group_doctors: int = 0  # doctors re-solved together over the whole period (0: none)
    # the size of an improvement window of weeks, in doctor-weeks: a tier of many doctors
    # gets narrower windows (at most `window_weeks`, at least 2; 0: always `window_weeks`)
    improve_doctor_weeks: int = 0
    # the share of the time limit the floor-shaped search of the whole model has before the
    # construction (solve.py); 0: the construction first
    shaped_first: float = 0.0
    # ... and only on a search of this many workers or more (a tier built side by side on
    # one worker goes straight to the construction)
    shaped_workers: int = 0
    # groups re-solved over the whole period a pass, chosen from the rota's excess over the
    # floor's pins (focus.py): the doctor furthest over with `group_doctors` - 1 who have room
    focus_groups: int = 0
    # each pass's round of doctor groups (the whole period) before its windows of weeks
    groups_first: bool = False
    # subsolvers a construction window's search leaves out besides [parameters]'
    # ignore_subsolvers (the improvement's and the whole model's keep them)
    window_ignore: tuple[str, ...] = ()


def plan(conf: dict[str, Any]) -> Plan:
    c = conf.get("construct", {})
    return Plan(
        from_weeks=int(c.get("from_weeks", 16)),
        window_weeks=int(c.get("window_weeks", 4)),
        overlap_days=int(c.get("overlap_days", 7)),
        share=float(c.get("share", 0.5)),
        improve_share=float(c.get("improve_share", 0.0)),
        improve_seconds=float(c.get("improve_seconds", 3.0)),
        final_seconds=float(c.get("final_seconds", 0.0)),
        final_with_floor_workers=int(c.get("final_with_floor_workers", 0)),
        group_doctors=int(c.get("group_doctors", 0)),
        improve_doctor_weeks=int(c.get("improve_doctor_weeks", 0)),
        shaped_first=float(c.get("shaped_first", 0.0)),
        shaped_workers=int(c.get("shaped_first_workers", 0)),
        focus_groups=int(c.get("focus_groups", 0)),
        groups_first=bool(c.get("groups_first", False)),
        window_ignore=tuple(str(v) for v in c.get("window_ignore_subsolvers", [])),
    )


def applies(spec: Spec, p: Plan) -> bool:
    if spec.rota_type == "line":  # a line rota is one template: no prefix of it is a rota
        return False
    return p.window_weeks > 0 and spec.period.weeks >= max(p.from_weeks, 2 * p.window_weeks)


def prefix(spec: Spec, weeks: int) -> Spec:
    """The spec's first `weeks` weeks as a one-off period of their own (the whole spec when
    `weeks` covers it): cover, leave, fixed duties and requests of those weeks."""
    if weeks >= spec.period.weeks:
        return spec
    days = weeks * 7
    end = spec.period.start + timedelta(days=days - 1)
    f = spec.fairness
    return spec.model_copy(
        update={
            "period": replace(spec.period, weeks=weeks, repeats=False),
            # a prefix's fair shares are a waypoint, not the answer: one more night and
            # weekend and 2 h a week more either way, so a window is not boxed in by a
            # prefix that sits at a band's edge (the whole period keeps the true bands)
            "fairness": f.model_copy(
                update={
                    "nights_band": f.nights_band + 1,
                    "weekends_band": f.weekends_band + 1,
                    "hours_band": f.hours_band + 2,
                }
            ),
            "cover": [c for c in spec.cover if c.day < days],
            "leave": [lv for lv in spec.leave if lv.first <= end],
            "fixed": [f for f in spec.fixed if f.day <= end],
            "requests": [r for r in spec.requests if r.day <= end],
            "doctors": [d for d in spec.doctors if d.start is None or d.start <= end],
        }
    )


def windows(weeks: int, p: Plan) -> list[int]:
    """The prefix lengths solved in turn, ending with the whole period."""
    out = list(range(p.window_weeks, weeks, p.window_weeks))
    return [*out, weeks]


# search(prefix spec, seconds, values, fix_before, head) -> (values or None, seconds used);
# head: the first days free as well (0: none)
Search = Callable[[Spec, float, dict[Key, int], int, int], tuple["dict[Key, int] | None", float]]


def first_rota(
    spec: Spec,
    p: Plan,
    budget: float,
    search: Search,
    on_stage: Callable[[str], None] | None = None,
    stopped: Callable[[], bool] | None = None,
    spare: float = 0.0,
) -> tuple[dict[Key, int] | None, float]:
    """The rota grown window by window, as values of the full model's variables (None when
    a window finds no rota in its time), and the seconds used. `search(spec, seconds,
    values, fix_before, head)` solves one prefix with every variable before day
    `fix_before` fixed to `values` (the others hinted; the first `head` days free too), and
    says how many seconds it used (deterministic seconds in reproducible mode, so the
    windows' limits stay reproducible). Time a window leaves unused goes to the windows
    after it. `spare`: seconds past `budget` a window with no rota may use when it is
    tried again (the improvement's: without a whole rota there is nothing to improve)."""
    steps = windows(spec.period.weeks, p)
    values: dict[Key, int] = {}
    used = 0.0
    done = 0

    def left() -> float:
        """What a window tried again may use: the budget and the time to spare, less
        what the windows used."""
        return budget + spare - used

    for i, weeks in enumerate(steps):
        if stopped is not None and stopped():
            return None, used
        if on_stage is not None:
            on_stage(f"first rota: weeks 1-{weeks} of {spec.period.weeks}")
        each = max(1.0, (budget - used) / (len(steps) - i))
        fix_before = max(0, done * 7 - p.overlap_days)
        if weeks == spec.period.weeks:  # the last window frees a whole window's weeks
            fix_before = min(fix_before, max(0, (weeks - p.window_weeks) * 7))
        found, seconds = search(prefix(spec, weeks), each, values, fix_before, 0)
        used += seconds
        if (
            found is None
            and spare > 0
            and seconds >= each
            and left() >= 1.0
            and not (stopped is not None and stopped())
        ):
            # its time ran out (a window proven to have no rota ends sooner): the same
            # window again with the time to spare, before any more days are freed (more
            # days free make a harder search: the PICU example's last window at 20
            # deterministic seconds found no rota in 2.4 s, nor with 16 weeks free in 7.6)
            found, seconds = search(prefix(spec, weeks), left(), values, fix_before, 0)
            used += seconds
        if found is None and weeks == spec.period.weeks and spec.period.repeats:
            # a repeating period's last days are followed by its first, which were solved
            # as the start of a one-off prefix, where a block of nights or a weekend cut by
            # the start is allowed: measured on the 40 x 26 benchmark (seed 1), the last
            # window was infeasible with 18, 10 and even 2 weeks fixed, and the whole
            # model then found no rota in the 22 s left; with its first week free as well
            # it found one in 4.9 s
            found, seconds = search(
                prefix(spec, weeks), max(1.0, left()), values, fix_before, p.overlap_days
            )
            used += seconds
        while found is None and fix_before > 0:
            # the weeks fixed so far may leave this window no fair rota (measured: the
            # last window of a 52-week tier, whose bands are the whole period's, was
            # infeasible in 0.1 s with 44 weeks fixed at their prefixes' wider bands):
            # free the window before it too, and so on back to the start if need be
            if stopped is not None and stopped():
                return None, used
            fix_before = max(0, fix_before - p.window_weeks * 7)
            found, seconds = search(prefix(spec, weeks), max(1.0, left()), values, fix_before, 0)
            used += seconds
        if found is None:
            return None, used
        values = found
        done = weeks
    return values, used


@dataclass(frozen=True)
class Move:
    """What an improvement window frees: the days first..end-1 of the doctors named (every
    doctor when None); the rest of the rota stays fixed."""

    first: int
    end: int
    doctors: frozenset[str] | None = None


# improve(seconds, values, move) -> (values or None, seconds used)
Improve = Callable[[float, dict[Key, int], Move], tuple["dict[Key, int] | None", float]]


def spans(days: int, p: Plan, shift: int = 0) -> list[tuple[int, int]]:
    """The windows of the whole period re-solved in one pass: `window_weeks` wide, each
    starting half a window after the last, the final one ending with the period. A pass
    with `shift` days (whole weeks, less than half a window) starts its windows that much
    later, so its seams fall inside the last pass's windows (its first window is narrower)."""
    width = p.window_weeks * 7
    step = max(7, width // 2 // 7 * 7)
    out = []
    start = shift - step if shift else 0
    while True:
        first, end = max(0, start), min(days, start + width)
        if end >= days:
            first, end = max(0, days - width), days
        out.append((first, end))
        if end >= days:
            return out
        start += step


def groups(doctors: list[str], size: int, offset: int) -> list[frozenset[str]]:
    """The doctors (in the order given: by grade, so a group can swap duties) in groups of
    `size`, starting `offset` places on and wrapping, so that a later pass pairs doctors a
    pass before kept apart; a last group of one joins the group before it."""
    n = len(doctors)
    if size < 2 or n <= size:
        return []
    turned = [doctors[(offset + i) % n] for i in range(n)]
    chunks = [turned[i : i + size] for i in range(0, n, size)]
    if len(chunks) > 1 and len(chunks[-1]) < 2:
        chunks[-2].extend(chunks.pop())
    return [frozenset(c) for c in chunks]


# focus(size, count) -> groups of doctors chosen from the rota found last (focus.py)
Focus = Callable[[int, int], list[frozenset[str]]]


def _round(days: int, p: Plan, names: list[str], focus: Focus | None, k: int) -> Iterator[Move]:
    """A round of doctor groups over the whole period: first the `focus_groups` that
    `focus` chooses from the rota as it is when the round gets there (focus.py), then the
    doctors by grade in groups of `group_doctors`, paired differently each round (`k`)."""
    chosen = focus(p.group_doctors, p.focus_groups) if focus is not None else []
    for group in [*chosen, *groups(names, p.group_doctors, k * max(1, p.group_doctors // 2))]:
        yield Move(0, days, group)


def passes(
    days: int, p: Plan, doctors: list[str] | None = None, focus: Focus | None = None
) -> Iterator[Move]:
    """Improvement windows without end: a pass of `spans` (every doctor, a few weeks), then
    a round of doctor groups (`_round`, the whole period), then `spans` shifted by half a
    step (whole weeks), then groups paired differently, and so on; with `groups_first`,
    each pass's round of groups comes before its windows of weeks. The windows of weeks
    are `improve_doctor_weeks` / doctors weeks wide where that is set (measured: on a tier
    of 40 doctors no 8-week window improved anything in 3 s)."""
    names = doctors or []
    plan = p
    if p.improve_doctor_weeks and names:
        weeks = max(2, min(p.window_weeks, p.improve_doctor_weeks // len(names)))
        plan = replace(p, window_weeks=weeks)
    step = max(7, plan.window_weeks * 7 // 2 // 7 * 7)
    half = step // 2 // 7 * 7
    k = 0
    while True:
        of_weeks = [Move(a, b) for a, b in spans(days, plan, half if k % 2 else 0)]
        if not p.groups_first:
            yield from of_weeks
        yield from _round(days, p, names, focus, k)
        if p.groups_first:
            yield from of_weeks
        k += 1


def improve(
    values: dict[Key, int],
    days: int,
    doctors: list[str],
    p: Plan,
    budget: float,
    search: Improve,
    on_stage: Callable[[str], None] | None = None,
    stopped: Callable[[], bool] | None = None,
    focus: Focus | None = None,
) -> tuple[dict[Key, int], float]:
    """The whole rota improved a window at a time: each window re-solved on the full model
    (every rule, fairness and pay over the whole period) with the rest of the rota fixed,
    from the rota so far as its hint, so a window's answer is never dearer. CP-SAT's own
    neighbourhoods rarely move whole runs of weeks between doctors on these models
    (measured on the PICU example: no improvement in 17 s from the constructed rota);
    these do: a few weeks of every doctor, and a few doctors over the whole period (they
    swap blocks of nights and weekends among themselves, which a window of weeks cannot
    do when the fairness bands hold each doctor's totals). Returns the rota and the
    seconds used."""
    used = 0.0
    for move in passes(days, p, doctors, focus if p.focus_groups > 0 else None):
        if stopped is not None and stopped():
            break
        if budget - used < 1.0:
            break
        if on_stage is not None:
            if move.doctors is None:
                on_stage(f"improving days {move.first + 1}-{move.end} of {days}")
            else:
                names = ", ".join(sorted(move.doctors))
                on_stage(f"improving {names} over the whole period")
        # each window gets `improve_seconds` (measured: none improved anything in 1.7 s
        # on the PICU example, 3 s windows improve; passes over the period go on while
        # there is time)
        each = p.improve_seconds
        found, seconds = search(min(each, budget - used), values, move)
        used += seconds
        if found is not None:
            values = found
    return values, used
