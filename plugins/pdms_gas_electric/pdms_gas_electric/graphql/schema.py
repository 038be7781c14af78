"""The module's root Query and Mutation classes, merged from its field families."""

from __future__ import annotations

import strawberry

from pdms_gas_electric.graphql.homes import GasElectricHomesMutation, GasElectricHomesQuery


@strawberry.type
class GasElectricQuery(GasElectricHomesQuery):
    pass


@strawberry.type
class GasElectricMutation(GasElectricHomesMutation):
    pass
