"""The permission matrix's world: one person per role (and per kind of unit), four tickets,
and what SPEC §16 says each person may see — written out by hand, not asked of the code.
"""

from dataclasses import dataclass, field

from hotline.models import Role, Unit, User
from tests.conftest import leaf
from tickets import actions
from tickets.models import Notification, Ticket

PHONE = "13900001111"
MASKED = "139****1111"
SECRET_NAME = "保密的王先生"

# who → (role, unit code). "anonymous" is nobody signed in.
PEOPLE = {
    "operator": (Role.OPERATOR, "12345"),
    "dispatcher": (Role.DISPATCHER, "12345"),
    "callback_agent": (Role.CALLBACK_AGENT, "12345"),
    "reviewer": (Role.REVIEWER, "12345"),
    "admin": (Role.ADMIN, "12345"),
    "leader_city": (Role.LEADER, "12345"),
    "leader_dongcheng": (Role.LEADER, "110101"),  # 东城区
    "street": (Role.UNIT_STAFF, "110101001"),  # 东华门街道 leads "own" and "secret"
    "neighbour_street": (Role.UNIT_STAFF, "110101002"),  # 景山街道, same district
    "district": (Role.UNIT_STAFF, "110101"),  # 东城区 government
    "dept": (Role.UNIT_STAFF, "110101-CGZF"),  # co-handles "own"
    "xicheng": (Role.UNIT_STAFF, "110102"),  # 西城区: "other" is dispatched into it
    "gas": (Role.UNIT_STAFF, "C-GAS"),  # a company with no ticket here
    "anonymous": None,
}
CENTRE = {"operator", "dispatcher", "callback_agent", "reviewer", "admin", "leader_city"}

# ticket → (lead unit or None, co-handling units, extra fields)
TICKETS = {
    "own": ("110101001", ["110101-CGZF"], {}),
    "secret": ("110101001", [], {"confidential": True, "caller_name": SECRET_NAME}),
    "other": ("110102001", [], {"street": "110102001"}),
    "new": (None, [], {}),  # never dispatched: the centre's alone
}
ALL = set(TICKETS)
# SPEC §16, person by person.
VISIBLE = {
    **{who: ALL for who in CENTRE},
    "leader_dongcheng": {"own", "secret"},
    "street": {"own", "secret"},
    "neighbour_street": set(),
    "district": {"own", "secret"},
    "dept": {"own"},
    "xicheng": {"other"},
    "gas": set(),
    "anonymous": set(),
}


@dataclass
class World:
    users: dict = field(default_factory=dict)
    tickets: dict = field(default_factory=dict)
    notification: Notification | None = None
    clients: dict = field(default_factory=dict)
    # world_objects.build_objects: key → object, like `tickets`
    articles: dict = field(default_factory=dict)
    replies: dict = field(default_factory=dict)
    topics: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)
    attachments: dict = field(default_factory=dict)
    jobs: dict = field(default_factory=dict)

    def unit_code(self, who):
        return PEOPLE[who][1] if PEOPLE[who] else None

    def hidden_numbers(self, who):
        """Numbers of the world's tickets that `who` must never meet in an answer."""
        return {self.tickets[t].number for t in ALL - VISIBLE[who]}


def build() -> World:
    world = World()
    for who, spec in PEOPLE.items():
        if spec is None:
            continue
        role, code = spec
        user = User.objects.create(
            username=f"m-{who}", role=role, unit=Unit.objects.get(code=code), first_name=who
        )
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
            user.save()
        world.users[who] = user
    operator, dispatcher = world.users["operator"], world.users["dispatcher"]
    for key, (lead, cos, extra) in TICKETS.items():
        fields = {
            "channel": "phone",
            "caller_name": "李女士",
            "caller_phone": PHONE,
            "kind": "help",
            "category": leaf("CX.WJ.SD"),
            "content": f"矩阵测试工单 {key}",
            "street": Unit.objects.get(code=extra.get("street", "110101001")),
            **{k: v for k, v in extra.items() if k != "street"},
        }
        ticket, _ = actions.create_ticket(actor=operator, **fields)
        if lead:
            actions.dispatch_ticket(actor=dispatcher, ticket=ticket, unit=lead, co_units=cos)
        world.tickets[key] = Ticket.objects.get(pk=ticket.pk)
    world.notification = Notification.objects.create(
        user=world.users["street"], ticket=world.tickets["own"], kind="test", message="矩阵"
    )
    return world


# Searches that find every ticket of the world. A search's scope is written apart
# (selectors.visible_when_searched); a unit's words are searched inside its own tickets
# already (search.selectors.search_condition_for), its ticket numbers are not.
def word_search(world) -> dict:
    return {"q": "矩阵"}  # a word of every ticket's content


def numbers_search(world) -> dict:
    return {"q": " ".join(ticket.number for ticket in world.tickets.values())}
