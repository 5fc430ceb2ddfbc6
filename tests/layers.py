#!/usr/bin/env python3
"""
Keel's dependency rule (docs/layout.md): src/ is one folder per subsystem,
the folders are ranked from the bottom up in tests/layers.txt, and every
dependency points down or stays inside its folder. Three checks:

  includes  a file of src/F includes a header of src/G only if G is not
            above F; a header of include/ includes only headers of include/
            (include/ holds what every layer shares: it depends on nothing)
  calls     with --objs: which object refers to a symbol another defines,
            read from the objects themselves (nm), so that a prototype
            written by hand cannot hide a call: none goes up, except the
            entries tests/layers.txt names (the exception vector's)
  circles   no two files depend on each other through calls, directly or
            round a longer circle, the entries left out
  csr       no C file outside src/arch/riscv spells a CSR instruction

Prints each problem with the files and symbols behind it; exits 1 if any.
"""
import argparse, collections, os, re, subprocess, sys

CSR_INSN = re.compile(r'"[^"\n]*\b(csrr|csrw|csrs|csrc|csrrw|csrrs|csrrc|csrwi|csrsi|csrci|hlv|hlvx|hsv|hfence|sret|wfi)\b')


def read_layers(path):
    order, entries, includes = [], {}, {}
    for line in open(path):
        line = line.split('#', 1)[0].split()
        if not line:
            continue
        if line[0] == 'order:':
            order += line[1:]
        elif line[0] == 'entry':
            entries.setdefault(line[1], set()).update(line[2:])
        elif line[0] == 'include':
            includes.setdefault(line[1], set()).update(line[2:])
        else:
            sys.exit(f'{path}: cannot read "{" ".join(line)}"')
    return order, entries, includes


def folder_of(path, order):
    """The ranked folder a src/ path is in (the longest that matches)."""
    best = None
    for f in order:
        if path.startswith(f + '/') and (best is None or len(f) > len(best)):
            best = f
    return best


def sources(root, exts):
    for d, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(exts):
                yield os.path.join(d, f)


def check_includes(src, inc, order, allowed, problems):
    rank = {f: i for i, f in enumerate(order)}
    for path in sources(inc, ('.h',)):
        for n, line in enumerate(open(path), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if m and not os.path.exists(os.path.join(inc, m.group(1))):
                problems.append(f'{path}:{n}: includes "{m.group(1)}", not a header of '
                                f'{inc}/ (a shared header depends on nothing else)')
    for path in sources(src, ('.c', '.h', '.S')):
        rel = os.path.relpath(path, src)
        mine = folder_of(rel, order)
        if mine is None:
            problems.append(f'{path}: in no folder of the order (tests/layers.txt)')
            continue
        for n, line in enumerate(open(path), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m:
                continue
            name = m.group(1)
            if os.path.exists(os.path.join(inc, name)):
                continue
            if not os.path.exists(os.path.join(src, name)):
                if os.path.exists(os.path.join(os.path.dirname(path), name)):
                    problems.append(f'{path}:{n}: "{name}": spell it from src/ '
                                    f'("{os.path.relpath(os.path.dirname(path), src)}/{name}")')
                continue  # libfdt and the like
            theirs = folder_of(name, order)
            if theirs and rank[theirs] > rank[mine] and name not in allowed.get(mine, ()):
                problems.append(f'{path}:{n}: {mine} includes "{name}" of {theirs}, '
                                f'which is above it')


def check_csr(src, problems):
    for path in sources(src, ('.c', '.h')):
        if os.path.relpath(path, src).startswith('arch/riscv/'):
            continue
        for n, line in enumerate(open(path), 1):
            m = CSR_INSN.search(line)
            if m and ('asm' in line or line.strip().startswith('"')):
                problems.append(f'{path}:{n}: "{m.group(1)}" outside src/arch/riscv '
                                f'(only arch touches CSRs)')


def read_objects(objs, nm):
    defs, uses = {}, collections.defaultdict(set)
    for d, _, files in os.walk(objs):
        for f in files:
            if not f.endswith('.o') or '/libfdt' in d:
                continue
            obj = os.path.join(d, f)
            name = os.path.relpath(obj, objs)[:-2]  # vcpu/vcpu.c
            out = subprocess.run([nm, obj], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                p = line.split()
                if len(p) == 3 and p[1] in 'TDBRGSC':
                    defs[p[2]] = name
                elif len(p) == 2 and p[0] == 'U':
                    uses[name].add(p[1])
    if not defs:
        sys.exit(f'layers: no objects under {objs} (build Keel first)')
    edges = collections.defaultdict(set)
    for user, syms in uses.items():
        for s in syms:
            if s in defs and defs[s] != user:
                edges[(user, defs[s])].add(s)
    return edges


def circles(nodes, edges):
    """Tarjan's strongly connected components of more than one file."""
    succ = collections.defaultdict(set)
    for a, b in edges:
        succ[a].add(b)
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def check_calls(objs, nm, order, entries, problems):
    rank = {f: i for i, f in enumerate(order)}
    edges = read_objects(objs, nm)
    kept = {}
    for (a, b), syms in sorted(edges.items()):
        fa, fb = folder_of(a, order), folder_of(b, order)
        if fa is None or fb is None:
            problems.append(f'{a} -> {b}: in no folder of the order')
            continue
        allowed = entries.get(fa, set())
        up = {s for s in syms if rank[fb] > rank[fa] and s not in allowed}
        if up:
            problems.append(f'{a} ({fa}) calls up into {b} ({fb}): {" ".join(sorted(up))}')
        rest = {s for s in syms if s not in allowed}
        if rest:
            kept[(a, b)] = rest
    nodes = {a for a, _ in kept} | {b for _, b in kept}
    for comp in circles(nodes, kept):
        ties = [f'{a} -> {b}: {" ".join(sorted(s))}' for (a, b), s in sorted(kept.items())
                if a in comp and b in comp]
        problems.append('a circle of ' + str(len(comp)) + ' files:\n    ' + '\n    '.join(ties))
    return len(edges)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--src', default='src')
    ap.add_argument('--include', default='include')
    ap.add_argument('--layers', default='tests/layers.txt')
    ap.add_argument('--objs', help="Keel's objects (build/keel): also check the calls")
    ap.add_argument('--nm', default='riscv64-unknown-elf-nm')
    a = ap.parse_args()
    order, entries, includes = read_layers(a.layers)
    problems = []
    check_includes(a.src, a.include, order, includes, problems)
    check_csr(a.src, problems)
    what = 'includes'
    if a.objs:
        n = check_calls(a.objs, a.nm, order, entries, problems)
        what += f' and {n} call edges between files'
    for p in problems:
        print('layers: ' + p)
    print(f'layers: {len(order)} folders, {what}: '
          + ('one way, no circle' if not problems else f'{len(problems)} problems'))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
