"""The module's root Query and Mutation classes, merged from its field families."""

from __future__ import annotations

import strawberry

from pdms_gas_electric.graphql.eicrs import GasElectricEicrsMutation
from pdms_gas_electric.graphql.homes import GasElectricHomesMutation, GasElectricHomesQuery
from pdms_gas_electric.graphql.jobs import GasElectricJobsMutation, GasElectricJobsQuery
from pdms_gas_electric.graphql.lists import GasElectricListsQuery
from pdms_gas_electric.graphql.returns import GasElectricReturnsMutation


@strawberry.type
class GasElectricQuery(GasElectricHomesQuery, GasElectricListsQuery, GasElectricJobsQuery):
    pass


@strawberry.type
class GasElectricMutation(
    GasElectricHomesMutation,
    GasElectricEicrsMutation,
    GasElectricJobsMutation,
    GasElectricReturnsMutation,
):
    pass
