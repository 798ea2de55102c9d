#!/usr/bin/python3
"""Writes adversarial text for `kordon scan` and POST /scan: long runs of
capitalised words with no sentence break, the input that once made the
scanner's cost grow faster than the text.

  bench/hostile-text.py KIND BYTES [--seed N] [-o FILE]

KIND is one of
  cyrillic  random capitalised Cyrillic words (every word new: each one is
            read in Latin letters and tried against the names)
  names     given names and surnames of listed persons in random order
            (every window is a plausible name, and the parties repeat)
  titled    a title and a listed surname again and again ("Mr. Primakov
            President Shoigu ..."): the period after a title does not end
            the run
BYTES is the exact size written (a number, or with a K/M/Ki/Mi suffix).
The same KIND, BYTES and seed always give the same bytes.
"""
import argparse
import random
import sys

# Names of listed persons (UN, EU, OFAC lists); public knowledge, not read
# from the lists, so the generator needs no data.
GIVEN = """Vladimir Sergei Sergey Alexander Aleksandr Dmitry Dmitriy Igor Yevgeny Evgeny
Oleg Viktor Nikolai Andrei Mikhail Yuri Konstantin Arkady Boris Gennady Roman
Mohammad Muhammad Ali Hassan Abdullah Ahmad Omar Khalid Ibrahim Abu Kim Nicolas
Diosdado Bashar Rami Maher Alexei Pavel Ramzan Leonid Denis Anatoly""".split()
SURNAMES = """Primakov Shoigu Lavrov Rotenberg Kovalchuk Timchenko Deripaska Malofeev
Patrushev Naryshkin Bortnikov Medvedev Sechin Usmanov Abramovich Fridman Aven
Kadyrov Prigozhin Gerasimov Peskov Zakharova Solovyov Kiselyov Simonyan Ernst
Govor Salyukov Rusakov Makhlouf Assad Maduro Cabello Lukashenko Yanukovych
Azarov Klymenko Surkov Volodin Matviyenko Dzhabarov Yakunin Chemezov""".split()
TITLES = "Mr. Mrs. Dr. President General Minister Colonel Senator Ambassador Sheikh".split()
CYRILLIC_UPPER = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
CYRILLIC_LOWER = "абвгдежзийклмнопрстуфхцчшщыьэюя"


def words(kind, rng):
    if kind == "cyrillic":
        while True:
            n = rng.randint(3, 10)
            yield rng.choice(CYRILLIC_UPPER) + "".join(rng.choice(CYRILLIC_LOWER) for _ in range(n))
    elif kind == "names":
        while True:
            yield rng.choice(GIVEN if rng.random() < 0.5 else SURNAMES)
    elif kind == "titled":
        while True:
            yield rng.choice(TITLES) + " " + rng.choice(SURNAMES)
    else:
        raise ValueError(kind)


def size(text):
    units = {"K": 1000, "M": 1000**2, "KI": 1024, "MI": 1024**2, "G": 1000**3, "GI": 1024**3}
    t = text.strip().upper()
    for suffix in sorted(units, key=len, reverse=True):
        if t.endswith(suffix):
            return int(float(t[: -len(suffix)]) * units[suffix])
    return int(t)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["cyrillic", "names", "titled"])
    p.add_argument("bytes", type=size)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    a = p.parse_args()
    rng = random.Random(a.seed)
    out = bytearray()
    for w in words(a.kind, rng):
        if len(out) >= a.bytes:
            break
        if out:
            out += b" "
        out += w.encode("utf-8")
    # exactly the size asked for, never a character cut in half: trim,
    # then pad with spaces
    del out[a.bytes:]
    while out and (out[-1] & 0xC0) == 0x80:
        out.pop()
    if out and out[-1] >= 0xC0:
        out.pop()
    out += b" " * (a.bytes - len(out))
    if a.output:
        with open(a.output, "wb") as f:
            f.write(out)
    else:
        sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
