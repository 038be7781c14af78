"""Fictional people for the search benchmark: common given names, invented surnames."""

from __future__ import annotations

import random
from datetime import date, timedelta


def _listed(text: str) -> list[str]:
    return text.split()


# Common English given names, roughly most frequent first (weights fall off as 1/rank).
FORENAMES = _listed(
    """
John David Michael Paul Andrew Mark James Peter Robert Richard Stephen Christopher
Ian Simon Thomas William Daniel Matthew Anthony Gary Martin Kevin Jonathan Steven Alan
Brian Graham Neil Nicholas Philip Adam Lee Jason Colin Keith Timothy Stuart Craig Carl
Edward George Jack Oliver Harry Charlie Joshua Samuel Benjamin Alexander Joseph Luke
Ryan Liam Nathan Callum Jamie Lewis Connor Kieran Dean Wayne Shaun Darren Barry Trevor
Derek Roger Raymond Kenneth Dennis Frank Harold Albert Arthur Frederick Ernest Walter
Leonard Stanley Norman Douglas Gordon Malcolm Hugh Owen Rhys Gareth Dylan Ethan Noah
Leo Oscar Archie Alfie Freddie Theo Henry Max Isaac Toby Finley Reuben Elliot Patrick
Sarah Susan Elizabeth Margaret Mary Helen Karen Julie Jennifer Claire Emma Rachel Lisa
Nicola Joanne Catherine Amanda Michelle Louise Laura Rebecca Victoria Samantha Jessica
Hannah Sophie Charlotte Emily Lucy Olivia Amelia Isla Ava Mia Grace Ella Evie Poppy
Ruby Freya Lily Chloe Megan Holly Jade Amy Gemma Kirsty Stacey Kelly Donna Tracey
Dawn Jacqueline Angela Patricia Barbara Linda Christine Janet Gillian Pauline Carol
Deborah Alison Sharon Wendy Lorraine Maureen Jean Joan Dorothy Doris Irene Sheila
Brenda Eileen Kathleen Anne Jane Ruth Judith Valerie Hazel Joyce Marion Sylvia Rita
Beatrice Florence Matilda Phoebe Imogen Harriet Eleanor Abigail Natalie Zoe Heather
Fiona Morag Siobhan Bethan Sian Rhiannon Ffion Niamh Aoife Caitlin Maria Anna Julia
Priya Aisha Fatima Zainab Amira Yasmin Leila Sana Mohammed Ahmed Ali Omar Hassan
Imran Tariq Bilal Arjun Rohan Vikram Sanjay Rajesh Tomasz Piotr Krzysztof Andrei Ion
Stefan Lukas Marco Luca Mateo Diego Kwame Kofi Chidi Emeka Tunde Olu Wei Jun Hiro
"""
)

# Common British surnames; most people get an invented one so full names rarely repeat.
COMMON_SURNAMES = _listed(
    """
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel
Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison
Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths
Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox
Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster
Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer
Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray
Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart
Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson
"""
)

# Invented surnames: an onset and an ending, e.g. "Ashwick", "Thornley", "Calderby".
ONSETS = _listed(
    """
Ash Bar Bel Brad Brom Cal Cald Carr Chad Chil Clay Cot Cran Dal Dun Eld Elm Fair Farn
Fen Gar Glen Gold Gras Hal Ham Har Hart Hay Hol Holl Ing Kel Ken Kings Lang Lath Ley
Lin Mar Mel Mid Mor Nor Oak Old Pen Pick Rad Raven Red Ring Ros Rud Sal Sand Shel
Sher Stan Stock Stour Sut Thorn Thur Tid Tor Wal War Wat Wen Whit Wick Wil Win Wood
Wor Wyn Yar Yel Aber Bran Crow Dray Ever Frost Gilt Heath Ivel Jarr Kirk Lock Maple
"""
)
ENDINGS = _listed(
    """
by wick ley ton ford ham well worth field more dale croft stead thorpe bury combe hurst
wood den ridge brook shaw lock mere ling sley cott wright man son ett er low gate
"""
)


def _zipf(items: list[str], offset: int) -> list[float]:
    """Cumulative weights falling off as 1/rank, so a few names are very common."""
    total, cumulative = 0.0, []
    for rank in range(len(items)):
        total += 1.0 / (rank + offset)
        cumulative.append(total)
    return cumulative


def people(count: int, seed: int) -> list[tuple[str, str, date]]:
    """``count`` (forenames, surname, date of birth) tuples, the same for the same seed.

    A quarter have a common surname, the rest an invented one (a tenth of those
    double-barrelled); two in five have a middle name.
    """
    rng = random.Random(seed)
    forename_weights = _zipf(FORENAMES, 8)
    surname_weights = _zipf(COMMON_SURNAMES, 3)
    invented = [onset + ending for onset in ONSETS for ending in ENDINGS]
    epoch = date(1930, 1, 1)
    rows = []
    for _ in range(count):
        given = rng.choices(FORENAMES, cum_weights=forename_weights, k=2)
        forenames = " ".join(given if rng.random() < 0.4 else given[:1])
        if rng.random() < 0.25:
            surname = rng.choices(COMMON_SURNAMES, cum_weights=surname_weights)[0]
        else:
            surname = rng.choice(invented)
            if rng.random() < 0.1:
                surname = f"{surname}-{rng.choice(invented)}"
        rows.append((forenames, surname, epoch + timedelta(days=rng.randrange(33_000))))
    return rows


def typo(word: str, rng: random.Random) -> str:
    """``word`` with one slip: two letters swapped, one dropped, doubled or mistyped.

    The first letter is kept, as it mostly is in real slips (and as people check it).
    """
    i = rng.randrange(1, len(word) - 1) if len(word) > 2 else 1
    kind = rng.choice(("swap", "drop", "double", "wrong"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[: i + 1] + word[i:]
    wrong = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != word[i].lower()])
    return word[:i] + wrong + word[i + 1 :]
