#!/usr/bin/env python3
# Reads a `perf script -F comm,pid,cpu,time,event,trace` timeline (bench/runtime-milestones.sh)
# and prints, per berth binary dir, the milestones of each berth-runtime run from its exec.
import re
import statistics
import sys

EVENT = re.compile(r'^\s*(\S.*?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$')
KEYS = ['clone', 'mount', 'pivot', 'ready', 'rtwait', 'execve', 'exit']
CPU = ['rt_cpu_at_execve', 'init_cpu', 'rt_cpu']


def main(path):
    runs, cur, oncpu, berth = [], None, {}, ''

    def cpu(pid, t):
        since, total = oncpu[pid]
        return total + (t - since if since is not None else 0)

    for line in open(path, errors='replace'):
        m = EVENT.match(line)
        if not m:
            continue
        pid, t, name, rest = int(m.group(2)), float(m.group(4)) * 1000, m.group(5), m.group(6)
        if name == 'sched:sched_switch':
            prev = int(re.search(r'prev_pid=(\d+)', rest).group(1))
            nxt = int(re.search(r'next_pid=(\d+)', rest).group(1))
            if prev in oncpu and oncpu[prev][0] is not None:
                oncpu[prev] = [None, oncpu[prev][1] + t - oncpu[prev][0]]
            if nxt in oncpu:
                oncpu[nxt][0] = t
            continue
        if name == 'sched:sched_process_exec':
            fn = re.search(r'filename=(\S+)', rest).group(1)
            if fn.endswith('/berth'):
                berth = fn.rsplit('/', 1)[0]
            elif fn.startswith('/proc/self/fd/') or fn.endswith('/berth-runtime'):
                if cur is None or cur.get('done'):
                    cur = {'rt': pid, 'exec': t, 'init': None, 'bin': berth}
                    runs.append(cur)
                    oncpu[pid] = [t, 0.0]
            elif cur and pid == cur['init'] and 'execve' not in cur:
                cur['execve'] = t
                cur['init_cpu'] = cpu(pid, t)
                cur['rt_cpu_at_execve'] = cpu(cur['rt'], t)
            continue
        if cur is None or cur.get('done'):
            continue
        if name == 'sched:sched_process_fork' and pid == cur['rt'] and cur['init'] is None:
            cur['clone'] = t
            cur['init'] = int(re.search(r'child_pid=(\d+)', rest).group(1))
            oncpu[cur['init']] = [None, 0.0]
        elif name == 'sched:sched_process_exit' and pid == cur['rt']:
            cur['exit'] = t
            cur['rt_cpu'] = cpu(pid, t)
            cur['done'] = True
        elif pid == cur['rt'] and cur['init'] and name.endswith('enter_recvfrom'):
            cur.setdefault('rtwait', t)
        elif pid == cur['init']:
            if name.endswith('enter_sendto'):
                cur.setdefault('ready', t)
            elif name.endswith(('enter_mount', 'enter_open_tree')):
                cur.setdefault('mount', t)
            elif name.endswith('enter_pivot_root'):
                cur['pivot'] = t

    groups = {}
    for r in runs:
        if 'exit' in r and 'execve' in r:
            groups.setdefault(r['bin'], []).append(r)
    for name, rs in groups.items():
        cols = {k: [r[k] - r['exec'] for r in rs if k in r] for k in KEYS}
        cols.update({k: [r[k] for r in rs if k in r] for k in CPU})

        def row(label, f):
            return (label + ' ' + ' '.join(f'{f(cols[k]):8.2f}' for k in KEYS) + '   ' +
                    ' '.join(f'{f(cols[k]):8.2f}' for k in CPU))

        def p25(v):
            return sorted(v)[len(v) // 4]
        print(f'== {name}: {len(rs)} runs (ms from the runtime\'s exec)')
        print('     ' + ' '.join(f'{k:>8}' for k in KEYS) + '   ' + ' rtCPU@ex  initCPU    rtCPU')
        print(row('med ', statistics.median))
        print(row('p25 ', p25))


if __name__ == '__main__':
    main(sys.argv[1])
