"""A dispatched ticket's life in the demo: dispatch, signing, whistles and reports, returns,
extensions, the reply and the counted callback, each through the real actions."""

from datetime import timedelta

from hotline.models import UnitType

from .. import actions as act
from ..guards import refusal
from ..models import Status
from .material import DEPT_AREAS, DEPT_LEAVES, REPLIES


class Handling:
    """Demo's steps after intake (Demo holds the scheduler, the people and the dice)."""

    def _target(self, ticket):
        """Routing as the dispatcher confirms it: duty unit, department, street, district."""
        leaf = ticket.category
        if leaf.duty_unit_id:
            return self.by_code[leaf.duty_unit.code]
        kind = DEPT_LEAVES.get(leaf.code) or DEPT_AREAS.get(leaf.code.split(".")[0])
        if kind and self.rng.random() < 0.5:
            # Municipal departments take a good part, so they too have enough to be ranked.
            city = self.rng.random() < 0.6
            unit = self.dept(kind, None if city else ticket.district)
            if unit:
                return unit
        if ticket.street_id:
            return ticket.street
        return ticket.district

    def _handle(self, ticket, at, plan):
        """Dispatch and everything after it, until the counted callback or today."""
        rng = self.rng
        at += self.minutes(3, 40)
        yield at
        lead = ticket.district if plan["district_lead"] else self._target(ticket)
        cos = []
        if plan["co"] and ticket.district_id:
            co = self.dept(rng.choice(["cgzf", "zj", "sthj"]), ticket.district)
            cos = [co] if co and co.pk != lead.pk else []
        ticket = act.dispatch_ticket(
            actor=self.disp, ticket=ticket, unit=lead, co_units=cos, note="", now=at
        )
        for co in cos:
            self.spawn(self._co_part(ticket, co, at + self.minutes(60 * 4, 60 * 60)))
        q = self.quality[lead.pk]
        urgent = ticket.urgency <= 2

        if plan["ret"] and ticket.return_deadline:
            latest = ticket.return_deadline - timedelta(minutes=1)
            at = max(at, min(at + self.minutes(10, 60), latest))
            yield at
            act.return_ticket(
                actor=self.handler(lead),
                ticket=ticket,
                reason="经核实，该诉求不属于本单位职责范围。",
                now=at,
            )
            at += self.minutes(20, 180)
            yield at
            if plan["ret"] == "accept":
                new = self._other_unit(ticket, lead)
                ticket = act.review_return(
                    actor=self.disp,
                    ticket=ticket,
                    accept=True,
                    unit=new,
                    note="同意退单，改派。",
                    now=at,
                )
                lead, q = new, self.quality[new.pk]
            else:
                ticket = act.review_return(
                    actor=self.disp,
                    ticket=ticket,
                    accept=False,
                    note="属地职责，请继续办理。",
                    now=at,
                )
        staff = self.handler(lead)

        # 签收: good units sign at once; weak ones late, a few never.
        if plan["never_sign"]:
            yield from self._callback(
                ticket, ticket.feedback_deadline + self.minutes(60, 600), plan
            )
            return
        if not ticket.signed_at:
            late = rng.random() < (0.95 - q) * 0.3
            limit = max(10.0, (ticket.sign_deadline - at).total_seconds() / 60)
            at += self.minutes(limit * 1.2, limit * 3) if late else self.minutes(3, limit * 0.8)
            yield at
            ticket = act.sign_ticket(actor=staff, ticket=ticket, now=at)
        if not ticket.contacted_at:
            late = rng.random() < (0.95 - q) * 0.25
            limit = max(10.0, (ticket.contact_deadline - at).total_seconds() / 60)
            at += self.minutes(limit, limit * 2) if late else self.minutes(5, limit * 0.7)
            yield at
            ticket = act.contact_caller(actor=staff, ticket=ticket, note="已电话联系诉求人", now=at)

        window = max(ticket.feedback_deadline - at, timedelta(minutes=30))
        if plan["whistle"] and lead.type == UnitType.STREET:
            at += window * rng.uniform(0.05, 0.2)
            yield at
            kind = ticket.category.duty_dept_kind or "cgzf"
            dept = self.dept(kind, ticket.district) or self.by_code["M-CGZF"]
            ticket = act.whistle(
                actor=staff,
                ticket=ticket,
                departments=[dept],
                reason=f"{ticket.category.name}问题涉及执法职责，街道无法单独解决，吹哨召集。",
                now=at,
            )
            lateness = (2.0, 4.0) if plan["late_report_in"] or rng.random() > q else (0.05, 0.9)
            allowed = 30 if ticket.urgency == 1 else 24 * 60
            report_at = at + self.minutes(allowed * lateness[0], allowed * lateness[1])
            self.spawn(self._report_in(ticket, dept, report_at))

        if plan["claim"]:
            at += window * rng.uniform(0.05, 0.15)
            yield at
            act.claim_unreasonable(
                actor=staff,
                ticket=ticket,
                reason="诉求人要求超出法定职责和政策范围，经多次解释仍坚持。",
                now=at,
            )
            at += self.minutes(60, 60 * 24)
            yield at
            confirm = plan["claim"] == "confirm"
            act.review_claim(
                actor=self.rev,
                ticket=ticket,
                approve=confirm,
                note="经审核属不合理诉求。" if confirm else "诉求合理，查否，请继续办理。",
                now=at,
            )

        if plan["extend"] and not urgent and ticket.feedback_deadline - at > timedelta(hours=2):
            at = at + (ticket.feedback_deadline - at) * rng.uniform(0.5, 0.8)
            yield at
            act.request_extension(
                actor=staff,
                ticket=ticket,
                days=rng.choice([3, 5, 7, 10]),
                reason="涉及多个部门协调，需进一步时间处理。",
                now=at,
            )
            at += self.minutes(60, 60 * 20)
            yield at
            ticket = act.review_extension(
                actor=self.rev, ticket=ticket, approve=plan["extend"] == "approve", now=at
            )

        yield from self._reply_and_callback(ticket, at, plan, staff, q)

    def _reply_and_callback(self, ticket, at, plan, staff, q):
        rng = self.rng
        remaining = ticket.feedback_deadline - at
        if remaining.total_seconds() <= 0:
            remaining = timedelta(hours=2)
        never = rng.random() < 0.015 * (1.5 - q)
        late = plan["late_reply"] or rng.random() < 0.06 * (1.1 - q)
        if never:
            yield from self._callback(
                ticket, ticket.feedback_deadline + self.minutes(60, 720), plan
            )
            return
        at += remaining * (rng.uniform(1.1, 1.8) if late else rng.uniform(0.15, 0.9))
        yield at
        result = rng.choices(
            ["solved", "partly_solved", "explained"], [0.5 + 0.4 * q, 0.2, 0.35 - 0.3 * q]
        )[0]
        ticket = act.reply_ticket(
            actor=staff,
            ticket=ticket,
            result=result,
            note=REPLIES[result].format(leaf=ticket.category.name),
            now=at,
        )
        yield from self._callback(ticket, at + self.minutes(120, 60 * 40), plan)

    def _callback(self, ticket, at, plan):
        rng = self.rng
        yield at
        ticket.refresh_from_db()
        q = self.quality[ticket.lead_unit_id]
        forced = plan["appeal"] or plan["force_unsolved"]
        if not forced and rng.random() < 0.07:
            act.record_callback(
                actor=self.cb,
                ticket=ticket,
                valid=False,
                invalid_reason=rng.choice(["unreachable"] * 3 + ["refused", "wrong_number"]),
                now=at,
            )
            return
        contacted = ticket.contacted_at is not None and rng.random() < 0.85 + 0.14 * q
        p_solved = {"solved": 0.72 + 0.26 * q, "partly_solved": 0.25 + 0.3 * q}
        solved = rng.random() < p_solved.get(ticket.result, 0.1 + 0.2 * q)
        if plan["appeal"]:
            solved = False
        if plan["force_unsolved"] and ticket.reopen_count == 0:
            solved = False
        if solved:
            w = [0.65 + 0.3 * q, 0.3 - 0.25 * q, 0.05]
        else:
            w = [0.05, 0.3, 0.65]
        satisfaction = rng.choices(["satisfied", "basically_satisfied", "unsatisfied"], w)[0]
        reopen = plan["reopen"] and not plan["appeal"]
        ticket = act.record_callback(
            actor=self.cb,
            ticket=ticket,
            valid=True,
            contacted=contacted,
            solved=solved,
            satisfaction=satisfaction,
            reopen=reopen,
            now=at,
        )
        if ticket.status == Status.IN_PROGRESS:  # reopened: same unit, second round
            staff = self.handler(ticket.lead_unit)
            plan = plan | {"appeal": None, "reopen": False, "late_reply": False}
            plan["force_unsolved"] = False
            yield from self._reply_and_callback(ticket, at, plan, staff, q + 0.1)
            return
        if plan["appeal"] and not ticket.excluded:
            at += self.minutes(60 * 4, 60 * 72)
            yield at
            act.appeal(
                actor=self.handler(ticket.lead_unit),
                ticket=ticket,
                reason="已按时办结并留存现场照片，诉求人不满意系对政策不认可，申请核减。",
                now=at,
            )
            at += self.minutes(60 * 2, 60 * 72)
            yield at
            uphold = plan["appeal"] == "uphold"
            act.review_appeal(
                actor=self.rev,
                ticket=ticket,
                approve=uphold,
                note="申诉成立，不计入考核。" if uphold else "证据不足，维持原考核结果。",
                now=at,
            )

    def _report_in(self, ticket, dept, at):
        yield at
        staff = self.handler(dept)
        ticket.refresh_from_db()
        if refusal("report-in", ticket, staff, at):
            return  # the ticket closed first: the sweep has flagged the missed report-in
        act.report_in(actor=staff, ticket=ticket, note="已报到，安排执法人员到场", now=at)
        at += self.minutes(60 * 4, 60 * 48)
        yield at
        ticket.refresh_from_db()
        if not refusal("report-part", ticket, staff, at):
            act.report_part(actor=staff, ticket=ticket, note="已到场执法，责令整改。", now=at)

    def _co_part(self, ticket, co, at):
        yield at
        staff = self.handler(co)
        ticket.refresh_from_db()
        if not refusal("report-part", ticket, staff, at):
            act.report_part(actor=staff, ticket=ticket, note="已配合主办单位完成协办事项。", now=at)

    def _other_unit(self, ticket, lead):
        """Where an accepted return is redispatched: a neighbouring street, or the department."""
        if lead.type == UnitType.STREET:
            dept = self.dept(ticket.category.duty_dept_kind, ticket.district)
            if dept and self.rng.random() < 0.6:
                return dept
            others = [s for s in self.streets_of.get(lead.district_id, []) if s.pk != lead.pk]
            if others:
                return self.rng.choice(others)
        if ticket.street_id and ticket.street_id != lead.pk:
            return ticket.street
        district = ticket.district or self.districts[0]
        return district if district.pk != lead.pk else self.by_code["M-CGZF"]
