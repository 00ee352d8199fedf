"""max_hours_in_168h: at most 72 hours of work in any 168 consecutive hours.

TCS 2016 Schedule 3 ("any seven day period"; the 2019 text: 168 consecutive hours). The
window slides over exact clock time. On-call periods count their expected work, spread
evenly over the period. [C]

Work in the window [t, t + 168 h) is a piecewise-linear function of t, so its maxima lie at
windows starting at a duty's start or ending at a duty's end, and the set of breaching t is a
union of intervals found exactly from the breakpoints. Each such interval is one breach,
valued at its worst window.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from rota_solve.constraints.base import Breach, Context, Rule, Timeline, clusters, fmt, hours

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


def _arrays(tl: Timeline) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    s = np.array([it.start for it in tl.items], dtype=np.float64)
    e = np.array([it.end for it in tl.items], dtype=np.float64)
    # work per minute of each duty (1 for a shift), once per duty, not per copy of it
    rate = {
        it.index: it.work_minutes / it.minutes if it.minutes > 0 else 0.0 for it in tl.base_items
    }
    dens = np.array([rate[it.index] for it in tl.items], dtype=np.float64)
    return s, e, dens


def _work_upto(s: np.ndarray, e: np.ndarray, dens: np.ndarray, x: np.ndarray) -> np.ndarray:
    # W(x) = sum_i dens_i * (clip(x - s_i, 0) - clip(x - e_i, 0))
    order_s = np.argsort(s, kind="stable")
    order_e = np.argsort(e, kind="stable")
    ss, ds = s[order_s], dens[order_s]
    ee, de = e[order_e], dens[order_e]
    cs_d = np.concatenate([[0.0], np.cumsum(ds)])
    cs_ds = np.concatenate([[0.0], np.cumsum(ds * ss)])
    ce_d = np.concatenate([[0.0], np.cumsum(de)])
    ce_de = np.concatenate([[0.0], np.cumsum(de * ee)])
    ks = np.searchsorted(ss, x, side="right")
    ke = np.searchsorted(ee, x, side="right")
    started = x * cs_d[ks] - cs_ds[ks]
    ended = x * ce_d[ke] - ce_de[ke]
    result: np.ndarray = started - ended
    return result


class MaxHoursIn168h(Rule):
    id = "max_hours_in_168h"
    title = "hours in any 7 days"
    citation = "TCS 2016 Schedule 3: no more than 72 hours' work in any 168 consecutive hours"

    def check(self, ctx: Context) -> list[Breach]:
        p = ctx.params(self.id)
        limit = p["limit_hours"] * 60
        window = p["window_hours"] * 60
        out: list[Breach] = []
        for name, tl in ctx.timelines.items():
            if not tl.items:
                continue
            s, e, dens = _arrays(tl)
            points = np.unique(np.concatenate([s, e, s - window, e - window]))
            work = _work_upto(s, e, dens, points + window) - _work_upto(s, e, dens, points)
            over = work > limit + 1e-6
            n = len(points)
            for i, j in clusters(list(over)):
                if ctx.period.repeats:
                    if i == 0 and j == n - 1:  # over the limit all the time: report once
                        i = int(np.searchsorted(points, 0))
                        j = int(np.searchsorted(points, ctx.period.minutes)) - 1
                    elif i == 0 or j == n - 1 or not ctx.in_base(int(points[i])):
                        continue  # a copy cut at the unrolled edge, or reported in copy 0
                # the worst window; among equals, one that starts as a duty starts
                seg = work[i : j + 1]
                best = np.flatnonzero(seg >= seg.max() - 1e-6) + i
                at_start = [b for b in best if np.any(s == points[b])]
                k = int(at_start[0] if at_start else best[0])
                t0 = float(points[k])
                first = next(it for it in tl.items if it.end > t0 and it.work_minutes > 0)
                value = float(work[k])
                when = ctx.moment(int(t0))
                msg = (
                    f"{fmt(value)} h of work in the {fmt(window)} h from"
                    f" {when:%a %Y-%m-%d %H:%M} (limit {fmt(limit)} h)"
                )
                out.append(self.breach(ctx, name, first, hours(value), hours(limit), msg))
        return out

    def encode(self, m: RotaModel) -> None:
        """For every window that could be the worst (one starting as a duty starts, or
        ending as one ends), the work in it is at most the limit. On-call work is spread
        over its period; all coefficients are scaled by `scale` to stay whole numbers."""
        p = m.params(self.id)
        limit = round(p["limit_hours"] * 60)
        window = round(p["window_hours"] * 60)
        calls = {s.minutes for s in m.spec.shifts if s.on_call}
        scale = math.lcm(*calls) if calls else 1
        span = m.period.minutes
        for doctor in m.doctors():
            placed = m.placed(doctor)
            if not placed:
                continue
            # every window at once with numpy (a 52-week tier: ~30,000 windows a doctor,
            # ~25 duties each): row r is the window starting at times[r], column j its
            # lo[r] + j-th duty in start order
            starts = np.array([q.item.start for q in placed], dtype=np.int64)
            ends = np.array([q.item.end for q in placed], dtype=np.int64)
            # scaled work per minute of overlap: a shift's every minute, an on-call period's
            # expected work spread over it
            rate = np.array(
                [
                    q.cand.shift.work_minutes * (scale // q.item.minutes)
                    if q.item.on_call
                    else scale
                    for q in placed
                ],
                dtype=np.int64,
            )
            keys = np.array([q.var.index for q in placed], dtype=np.int64)
            vars_ = {q.var.index: q.var for q in placed}
            longest = int((ends - starts).max())
            times = np.unique(np.concatenate([starts, ends - window]))
            if m.period.repeats:
                times = np.unique(times % span)
            lo = np.searchsorted(starts, times - longest, side="left")
            hi = np.searchsorted(starts, times + window, side="left")
            width = int((hi - lo).max(initial=0))
            if width == 0:
                continue
            cols = np.arange(width)
            idx = np.minimum(lo[:, None] + cols[None, :], len(placed) - 1)
            inside = cols[None, :] < (hi - lo)[:, None]
            overlap = np.minimum(ends[idx], (times + window)[:, None]) - np.maximum(
                starts[idx], times[:, None]
            )
            coeff = np.where(inside & (overlap > 0), overlap * rate[idx], 0)
            most = limit * scale
            rows = np.flatnonzero(coeff.sum(axis=1) > most)  # the others cannot breach
            nonzero = coeff[rows] != 0
            row_keys = np.split(keys[idx[rows]][nonzero], np.cumsum(nonzero.sum(axis=1))[:-1])
            row_coeffs = np.split(coeff[rows][nonzero], np.cumsum(nonzero.sum(axis=1))[:-1])
            # a window meets one duty twice only through two copies of a repeating cycle
            # shorter than the window and a duty
            twice = m.period.repeats and span < window + longest
            seen: set[bytes] = set()
            for ks, cs in zip(row_keys, row_coeffs, strict=True):
                if twice:
                    merged: dict[int, int] = {}
                    for k, c in zip(ks.tolist(), cs.tolist(), strict=True):
                        merged[k] = merged.get(k, 0) + c
                    pairs = sorted(merged.items())  # the same window, however met
                    ks = np.array([k for k, _ in pairs], dtype=np.int64)
                    cs = np.array([c for _, c in pairs], dtype=np.int64)
                sig = ks.tobytes() + cs.tobytes()
                if sig in seen:  # the same constraint as a window before it
                    continue
                seen.add(sig)
                m.model.add(m.weighted([vars_[k] for k in ks.tolist()], cs.tolist()) <= most)


RULE = MaxHoursIn168h()
