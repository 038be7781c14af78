"""Queries for the executor oracle: hypothesis-graphql's, reshaped as clients write them.

hypothesis-graphql (0.13) generates valid selections of the schema's root query fields,
with inline fragments on interfaces and unions and every argument filled in. This adds
what it does not make: aliases, named fragments (some spread twice), ``__typename``,
``@skip``/``@include`` with literals and variables, and arguments passed as variables.
Arguments are drawn from the seeded data (``oracle_world.py``): real global IDs (and a
few that name nothing), real references and UPRNs, small ``first`` values.
"""

from __future__ import annotations

from itertools import count
from typing import Any

import graphql
from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    ObjectFieldNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    parse,
    parse_type,
    print_ast,
    value_from_ast_untyped,
)
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from hypothesis_graphql import strategies as gql_st

from tests.problems.oracle_world import OracleWorld

#: Root query fields left out, and why.
LEFT_OUT = {
    # every request adds audit rows: the second executor would see the first's
    "auditEvents",
    # takes a file's content; an import preview, not a read of the data
    "rentArrearsPreviewReport",
}
#: Root fields that read the graph itself, drawn more often than the rest.
GRAPH_ROOTS = ("node", "nodes", "case", "cases", "person", "people", "place", "places")
#: IDs that name nothing: malformed, an unknown type, a number with no row.
NO_SUCH_IDS = ("bm9wZQ==", "Tm9TdWNoVHlwZTox", "UGVyc29uOjk5OTk5OTk=")
DATES = ("2020-01-01", "2024-04-01", "2025-12-31", "2026-09-14")
MAX_ALIASES = 6
MAX_FRAGMENTS = 10
#: Portal pages (after bench/queries), deeper than hypothesis-graphql's queries: one
#: may join a generated query under an alias (%(Person)s: a person's ID, drawn).
PAGES = (
    """portalList: cases(first: 3) { nodes { id reference summary openedOn
      status { code label } demands { id nature isPresenting receivedOn type { label }
      underlyingDemands { id type { label } } } parties { role { label } person { id
      fullName dateOfBirth addresses(current: true) { fromDate place { id uprn
      singleLineAddress postcode moduleRecords { __typename module summary } } } } }
      places { place { id uprn moduleRecords { id module } } }
      activities { id occurredAt notes tasks { minutes category { label } } } } }""",
    """personPage: node(id: "%(Person)s") { ... on Person { id fullName dateOfBirth
      contactDetails { value isPreferred type { label } } addresses { fromDate toDate
      role { label } place { id uprn singleLineAddress postcode } }
      relationships { type { label } related { id fullName } }
      moduleRecords { __typename id module summary }
      timeline(first: 5) { edges { node { on kind item { __typename
        ... on Case { reference } ... on Demand { nature type { label } }
        ... on Activity { notes } ... on Intention { description } } } }
        pageInfo { hasNextPage } }
      cases { id reference openedOn status { label } } } }""",
    """placePage: place(id: "%(Place)s") { id uprn singleLineAddress postcode
      residents(current: true) { fromDate person { id fullName } }
      cases(open: true) { reference status { code } }
      moduleRecords { __typename id module summary } }""",
)
#: The type of record an ID argument names, by argument name ...
ID_ARGUMENTS = {
    "personId": "Person",
    "placeId": "Place",
    "caseId": "Case",
    "teamId": "Team",
    "teamIds": "Team",
    "officerId": "StaffUser",
}
#: ... and for an ``id`` argument, by its field's name.
ID_FIELDS = {"person": "Person", "case": "Case", "place": "Place"}
#: What a string argument holds, by argument name: the world's key for such strings.
STRING_ARGUMENTS = {
    "uprn": "uprn",
    "reference": "reference",
    "postcode": "postcode",
    "text": "postcode",
    "name": "surname",
    "code": "lookupSetCode",
    "statusCode": "statusCode",
    "module": "moduleName",
    "modules": "moduleName",
    "measure": "measureName",
}


def scalar_strategies(world: OracleWorld) -> dict[str, st.SearchStrategy]:
    """Value nodes for the scalars, drawn from what the database holds."""
    return {
        "ID": st.sampled_from(world.ids + NO_SUCH_IDS).map(nodes.String),
        "String": st.sampled_from((*world.strings, "", "Zz")).map(nodes.String),
        "Int": st.integers(min_value=0, max_value=4).map(nodes.Int),
        "Date": st.sampled_from(DATES).map(nodes.String),
        "DateTime": st.sampled_from(DATES).map(lambda day: nodes.String(f"{day}T09:30:00Z")),
    }


def documents(schema: graphql.GraphQLSchema, world: OracleWorld) -> st.SearchStrategy:
    """(document text, variables) for one or two root query fields."""
    roots = [name for name in schema.query_type.fields if name not in LEFT_OUT]
    weighted = roots + [name for name in GRAPH_ROOTS if name in roots] * 3
    scalars = scalar_strategies(world)

    def selections(fields: tuple[str, ...]) -> st.SearchStrategy:
        return gql_st.queries(
            schema, fields=fields, custom_scalars=scalars, print_ast=lambda document: document
        )

    chosen = st.lists(st.sampled_from(weighted), min_size=1, max_size=2, unique=True)
    generated = chosen.map(tuple).flatmap(selections)

    @st.composite
    def reshaped(draw: Any) -> tuple[str, dict[str, Any]]:
        document = draw(generated)
        if draw(st.booleans()):  # and a portal page, reshaped like the rest
            page = draw(st.sampled_from(PAGES))
            values = {
                key: draw(st.sampled_from(world.ids_by_type.get(key) or NO_SUCH_IDS))
                for key in ("Person", "Place")
            }
            field = parse("{" + page % values + "}").definitions[0].selection_set.selections[0]
            operation = document.definitions[0]
            selections = (*operation.selection_set.selections, field)
            document = DocumentNode(
                definitions=(
                    OperationDefinitionNode(
                        operation=OperationType.QUERY,
                        variable_definitions=(),
                        directives=(),
                        selection_set=SelectionSetNode(selections=selections),
                    ),
                )
            )
        return _Reshape(schema, world, document, draw).result()

    return reshaped()


class _Reshape:
    """One generated document, rewritten with choices drawn as it goes."""

    def __init__(
        self,
        schema: graphql.GraphQLSchema,
        world: OracleWorld,
        document: DocumentNode,
        draw: Any,
    ):
        self.schema, self.world, self.draw = schema, world, draw
        self.names = count()
        self.aliases = 0
        self.fragments: list[FragmentDefinitionNode] = []
        self.variable_definitions: list[VariableDefinitionNode] = []
        self.variables: dict[str, Any] = {}
        operation = document.definitions[0]
        self.selection_set = self._selection_set(operation.selection_set, schema.query_type, 0)

    def result(self) -> tuple[str, dict[str, Any]]:
        operation = OperationDefinitionNode(
            operation=OperationType.QUERY,
            name=NameNode(value="Oracle"),
            variable_definitions=tuple(self.variable_definitions),
            directives=(),
            selection_set=self.selection_set,
        )
        document = DocumentNode(definitions=(operation, *self.fragments))
        return print_ast(document), self.variables

    def _flip(self, chance: float) -> bool:
        return self.draw(st.floats(0, 1)) < chance

    def _selection_set(
        self, selection_set: SelectionSetNode, parent: Any, depth: int
    ) -> SelectionSetNode:
        selections = [
            self._selection(selection, parent, depth) for selection in selection_set.selections
        ]
        if parent is not self.schema.query_type and self._flip(0.2):
            selections.insert(self.draw(st.integers(0, len(selections))), _field("__typename"))
        if (
            parent is not self.schema.query_type
            and len(self.fragments) < MAX_FRAGMENTS
            and self._flip(0.25)
        ):
            name = f"F{next(self.names)}"
            self.fragments.append(
                FragmentDefinitionNode(
                    name=NameNode(value=name),
                    type_condition=NamedTypeNode(name=NameNode(value=parent.name)),
                    directives=(),
                    selection_set=SelectionSetNode(selections=tuple(selections)),
                )
            )
            spread = FragmentSpreadNode(name=NameNode(value=name), directives=())
            # a fragment spread twice answers once (and is walked once)
            selections = [spread, spread] if self._flip(0.3) else [spread]
        return SelectionSetNode(selections=tuple(selections))

    def _selection(self, selection: Any, parent: Any, depth: int) -> Any:
        if isinstance(selection, InlineFragmentNode):
            on_type = self.schema.type_map[selection.type_condition.name.value]
            inner = self._selection_set(selection.selection_set, on_type, depth)
            if len(self.fragments) < MAX_FRAGMENTS and self._flip(0.3):  # as a named fragment
                name = f"F{next(self.names)}"
                self.fragments.append(
                    FragmentDefinitionNode(
                        name=NameNode(value=name),
                        type_condition=selection.type_condition,
                        directives=(),
                        selection_set=inner,
                    )
                )
                return FragmentSpreadNode(name=NameNode(value=name), directives=self._directives())
            return InlineFragmentNode(
                type_condition=selection.type_condition,
                directives=self._directives(),
                selection_set=inner,
            )
        if selection.name.value == "__typename":
            return selection
        definition = parent.fields[selection.name.value]
        inner = None
        if selection.selection_set is not None:
            field_type = get_named_type(definition.type)
            inner = self._selection_set(selection.selection_set, field_type, depth + 1)
        alias = selection.alias
        if alias is None and self.aliases < MAX_ALIASES and self._flip(0.15):
            self.aliases += 1
            alias = NameNode(value=f"a{next(self.names)}_{selection.name.value}")
        arguments = [
            self._argument(argument, definition.args[argument.name.value], selection.name.value)
            for argument in selection.arguments or ()
            # a cursor drawn from the data is no cursor: keep a few, to see the error
            if argument.name.value != "after" or self._flip(0.1)
        ]
        return FieldNode(
            alias=alias,
            name=selection.name,
            arguments=tuple(arguments),
            directives=self._directives(),
            selection_set=inner,
        )

    def _argument(self, argument: ArgumentNode, definition: Any, field: str) -> ArgumentNode:
        aimed = self._aimed(argument.value, argument.name.value, field)
        argument = ArgumentNode(name=argument.name, value=aimed)
        if not self._flip(0.3):
            return argument
        name = f"v{next(self.names)}"
        self.variable_definitions.append(
            VariableDefinitionNode(
                variable=VariableNode(name=NameNode(value=name)),
                type=parse_type(str(definition.type)),
                directives=(),
            )
        )
        self.variables[name] = value_from_ast_untyped(argument.value)
        return ArgumentNode(name=argument.name, value=VariableNode(name=NameNode(value=name)))

    def _aimed(self, value: Any, name: str, field: str) -> Any:
        """``value``, with IDs and strings mostly swapped for ones its argument expects
        (a person's ID for ``person(id:)``, a UPRN for ``uprn``), so that queries find
        records more often than not."""
        if isinstance(value, ObjectValueNode):
            fields = (
                ObjectFieldNode(
                    name=item.name, value=self._aimed(item.value, item.name.value, field)
                )
                for item in value.fields
            )
            return ObjectValueNode(fields=tuple(fields))
        if isinstance(value, ListValueNode):
            items = (self._aimed(item, name, field) for item in value.values)
            return ListValueNode(values=tuple(items))
        if not isinstance(value, StringValueNode) or not self._flip(0.85):
            return value
        if name == "id" and field in ID_FIELDS:
            pool = self.world.ids_by_type.get(ID_FIELDS[field])
        elif name in ID_ARGUMENTS:
            pool = self.world.ids_by_type.get(ID_ARGUMENTS[name])
        else:
            measure = (field, name) == ("measure", "name")
            key = "measureName" if measure else STRING_ARGUMENTS.get(name)
            pool = self.world.strings_by_key.get(key) if key else None
        return StringValueNode(value=self.draw(st.sampled_from(pool))) if pool else value

    def _directives(self) -> tuple[DirectiveNode, ...]:
        if not self._flip(0.15):
            return ()
        directive = self.draw(st.sampled_from(("skip", "include")))
        condition = self.draw(st.booleans())
        if self._flip(0.5):
            value: Any = BooleanValueNode(value=condition)
        else:
            name = f"v{next(self.names)}"
            self.variable_definitions.append(
                VariableDefinitionNode(
                    variable=VariableNode(name=NameNode(value=name)),
                    type=parse_type("Boolean!"),
                    directives=(),
                )
            )
            self.variables[name] = condition
            value = VariableNode(name=NameNode(value=name))
        argument = ArgumentNode(name=NameNode(value="if"), value=value)
        return (DirectiveNode(name=NameNode(value=directive), arguments=(argument,)),)


def _field(name: str) -> FieldNode:
    return FieldNode(name=NameNode(value=name), arguments=(), directives=())
