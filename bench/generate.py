#!/usr/bin/env python3
"""Writes fictional people, relationships and contacts as CSV, the way leaders' spreadsheets do."""
import argparse
import datetime
import os
import random

FIRST = ["Amira", "Mikkel", "Freja", "Oliver", "Sofie", "Emil", "Ida", "Noah", "Clara", "Lucas", "Søren", "Louise",
         "Henrik", "Birgitte", "Jens", "Anne-Mette", "Poul", "Inge", "Karsten", "Hanne"]
LAST = ["Hansen", "Jørgensen", "Nielsen", "Sørensen", "Madsen", "Pedersen", "Christensen", "Rasmussen", "Jensen",
        "Andersen", "Mikkelsen", "Østergaard", "Æbelø"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--forloeb", type=int, default=5000)
    parser.add_argument("--contacts", type=int, default=0)
    parser.add_argument("--program", default="mentorshoppen")
    args = parser.parse_args()
    rng = random.Random(2026)
    os.makedirs(args.dir, exist_ok=True)
    mentors = args.people // 2
    with open(os.path.join(args.dir, "people.csv"), "w", encoding="utf-8") as out:
        out.write("ref;role;name;email;phone;birthdate;channels;lang;certificate\n")
        for index in range(args.people):
            mentor = index < mentors
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            year = rng.randint(1955, 1990) if mentor else rng.randint(1998, 2006)
            birth = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            phone = f"{rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
            role = "mentor" if mentor else "mentee"
            channels = "email" if mentor else rng.choice(["email", "sms", "email+sms"])
            certificate = "2025-12-01" if mentor else ""
            out.write(f"p{index};{role};{name};p{index}@example.dk;{phone};{birth};{channels};da;{certificate}\n")
    start = datetime.date(2026, 1, 1)
    pairs = []
    with open(os.path.join(args.dir, "relationships.csv"), "w", encoding="utf-8") as out:
        out.write("mentor_ref,mentee_ref,program,start,end\n")
        for index in range(args.forloeb):
            mentor = f"p{index % mentors}"
            mentee_ref = f"p{mentors + index % (args.people - mentors)}"
            day = start + datetime.timedelta(days=rng.randint(0, 300))
            pairs.append((mentor, mentee_ref, day))
            out.write(f"{mentor},{mentee_ref},{args.program},{day.isoformat()},\n")
    if args.contacts:
        with open(os.path.join(args.dir, "contacts.csv"), "w", encoding="utf-8") as out:
            out.write("mentor_ref,mentee_ref,date,minutes,kind\n")
            for index in range(args.contacts):
                mentor, mentee, day = pairs[index % len(pairs)]
                when = day + datetime.timedelta(days=rng.randint(0, 200))
                out.write(f"{mentor},{mentee},{when.isoformat()},{rng.randint(15, 120)},meeting\n")


if __name__ == "__main__":
    main()
