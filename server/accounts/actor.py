"""Who is asking, and what their role lets them see and change.

Every domain service takes an ``Actor``; scoping by county happens here, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.accounts.models import Role, User
from server.errors import Forbidden

REVIEWER_ROLES = frozenset({Role.county_reviewer, Role.city_reviewer, Role.admin})


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    role: Role
    county: str | None  # None: city-wide
    city: str | None = None  # the city the user works for (None: an actor built by hand)

    @classmethod
    def of(cls, user: User) -> Actor:
        county = user.county if user.role is Role.county_reviewer else None
        return cls(
            user_id=user.id, username=user.username, role=user.role, county=county, city=user.city
        )

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    def require(self, *roles: Role) -> None:
        """Refuse unless the actor has one of ``roles``."""
        if self.role not in roles:
            allowed = ", ".join(sorted(r.value for r in roles))
            raise Forbidden(f"this needs one of the roles {allowed}; you are {self.role.value}")

    def require_registry_reader(self) -> None:
        # Inspectors see their assignments (pushed to their tablets), not the whole registry.
        self.require(*REVIEWER_ROLES)

    def require_registry_writer(self) -> None:
        self.require(Role.county_reviewer, Role.admin)

    def sees_city(self, city: str) -> bool:
        return self.city is None or self.city == city

    def sees_county(self, county: str) -> bool:
        return self.county is None or self.county == county

    def require_county(self, county: str) -> None:
        if not self.sees_county(county):
            raise Forbidden(f"this record belongs to {county}; your scope is {self.county}")
