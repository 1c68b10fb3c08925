#!/usr/bin/env python3
"""hostile_names.py -- broken and hostile name responders for the names lab (tests/cli/61-names-hostile.bats).

Runs only inside a lab network namespace (it refuses where any interface is a
physical one, as persona.py does) and sends only to the addresses that asked
it something (or, icmp-dns, to --to), so nothing leaves the lab.  Modes:

  serve     in a host namespace on the scanner's segment:
              --mdns ADDR=STEPS  (repeatable) answer mDNS PTR queries for ADDR's reverse
                                 name, multicast (224.0.0.251, ff02::fb, joined on eth0) or
                                 unicast to port 5353; each query id is answered once
              --nbns STEPS       answer NBSTAT queries to UDP 137 here
              --icmp-nbns ADDR   on an NBSTAT query to us, forge ICMP port unreachables for
                                 ADDR:137 quoting the querier's port, every 5 ms for --icmp-ms
              --flood N          on the first mDNS query, send N junk datagrams (--flood-kind
                                 junk: random bytes; id: the query's id and the wrong
                                 question) to the querier's port, from --flood-procs processes
  icmp-dns  blind: forge ICMP port unreachables "from" --server (or --icmp-from) to --to, quoting
            a query from --inner (--to) port P to --server:53, for each P of --ports LO-HI
            (32768-60999, the default ephemeral range), over and over for --duration seconds
  dns       a DNS server on --listen ADDR:53 answering PTR queries for --rule ADDR=STEPS
            (others: NXDOMAIN)
  local-mdns  an unprivileged local process in the scanner's namespace: once new UDP sockets
            bound to 0.0.0.0 appear in /proc/net/udp, send each, from each --src ADDR port
            5353, an mDNS answer naming --addr --name with every id (65536), to --to

STEPS is ';'-separated, each KIND[:ARG][@MS][>FROM]: sent MS ms after the query
(0), from FROM ("ADDR", "ADDR:PORT" or ":PORT"; the default is the socket that
got the query; another address is sent with IP_TRANSPARENT).  A NAME is
dot-separated labels, each with Python escapes (\\x09, \\x1b, \\\\, \\x2e for a
dot inside a label).  DNS/mDNS kinds (the answer echoes the question, PTR owner
compressed to it, as avahi does to a legacy query):
  ok:NAME      the right answer            noq:NAME   no question, owner in full
  wrongid:NAME id ^ 0x0101                  wrongq:NAME question and owner: ADDR+1's name
  owner:NAME   right question, PTR owned by ADDR+1's name
  nx           rcode 3, right question      nxq        rcode 3, question of ADDR+1
  loop         PTR data a pointer to itself fwd        PTR data a pointer forwards
  chain[:N]    PTR data a chain of N (200) backward pointers to "evil"
  huge:NAME    a 60000-byte TXT record first, then the PTR (the receiver truncates)
  dup:N:NAME   N copies of ok:NAME
NBSTAT kinds: ok:NAME/GROUP (15 bytes each at most, space padded), wrongid:NAME/GROUP,
  noname (only a group <00>), bomb (NUM_NAMES 255 in 20 bytes), dup:N:NAME/GROUP.
"""
import argparse
import codecs
import ipaddress
import os
import random
import select
import socket
import struct
import sys
import time

IP_TRANSPARENT = 19
IPV6_TRANSPARENT = 75


def in_lab():
    for name in os.listdir("/sys/class/net"):
        if name != "lo" and "/virtual/" not in os.path.realpath(os.path.join("/sys/class/net", name)):
            return False
    return True


def label_bytes(text):
    return codecs.decode(text.encode("latin-1"), "unicode_escape").encode("latin-1")


def encode_name(name):
    out = b""
    for lab in name.split("."):
        if lab:
            b = label_bytes(lab)
            out += bytes([len(b)]) + b
    return out + b"\0"


def rev_name(addr):
    return encode_name(ipaddress.ip_address(addr).reverse_pointer)


def next_addr(addr):
    return str(ipaddress.ip_address(addr) + 1)


def parse_steps(text):
    """'KIND[:ARG][@MS][>FROM];...' -> [(kind, arg, ms, from)]"""
    out = []
    for s in text.split(";"):
        if not s:
            continue
        frm = None
        if ">" in s:
            s, frm = s.split(">", 1)
        ms = 0.0
        if "@" in s:
            s, ms = s.rsplit("@", 1)
            ms = float(ms)
        kind, _, arg = s.partition(":")
        out.append((kind, arg, ms, frm))
    return out


def read_name(pkt, off):
    """Uncompressed name at off (queries we get carry none): (wire bytes, end)."""
    start = off
    while off < len(pkt) and pkt[off] != 0:
        if pkt[off] & 0xC0:
            raise ValueError("compressed")
        off += 1 + pkt[off]
    if off >= len(pkt):
        raise ValueError("short")
    return pkt[start:off + 1], off + 1


def dns_reply(kind, arg, qid, qname, addr):
    """A response to a PTR query (id qid, question qname) for addr, or a list of them."""
    hdr = lambda i, fl, qd, an: struct.pack("!HHHHHH", i, fl, qd, an, 0, 0)
    q = lambda n: n + struct.pack("!HH", 12, 1)
    rr = lambda owner, typ, data: owner + struct.pack("!HHIH", typ, 1, 120, len(data)) + data
    ptr_at_q = lambda data: rr(b"\xc0\x0c", 12, data)
    other = rev_name(next_addr(addr))
    if kind == "ok":
        return hdr(qid, 0x8400, 1, 1) + q(qname) + ptr_at_q(encode_name(arg))
    if kind == "dup":
        n, _, name = arg.partition(":")
        return [dns_reply("ok", name, qid, qname, addr)] * int(n)
    if kind == "noq":
        return hdr(qid, 0x8400, 0, 1) + rr(qname, 12, encode_name(arg))
    if kind == "wrongid":
        return hdr(qid ^ 0x0101, 0x8400, 1, 1) + q(qname) + ptr_at_q(encode_name(arg))
    if kind == "wrongq":
        return hdr(qid, 0x8400, 1, 1) + q(other) + ptr_at_q(encode_name(arg))
    if kind == "owner":
        return hdr(qid, 0x8400, 1, 1) + q(qname) + rr(other, 12, encode_name(arg))
    if kind == "nx":
        return hdr(qid, 0x8403, 1, 0) + q(qname)
    if kind == "nxq":
        return hdr(qid, 0x8403, 1, 0) + q(other)
    base = hdr(qid, 0x8400, 1, 1) + q(qname)
    if kind == "loop":	# the data's offset: header, question, owner pointer, type..rdlength
        at = len(base) + 2 + 10
        return base + ptr_at_q(struct.pack("!H", 0xC000 | at))
    if kind == "fwd":
        at = len(base) + 2 + 10
        return base + ptr_at_q(struct.pack("!H", 0xC000 | (at + 2)) + b"\x03abc\x00")
    if kind == "chain":	# N (200) pointers, each to the one before, the first to a label "evil"
        k = int(arg or 200)
        pre = hdr(qid, 0x8400, 1, 2) + q(qname)
        first = len(pre) + 2 + 10
        data = b"\x04evil\x00"
        for i in range(k):
            data += struct.pack("!H", 0xC000 | (first if i == 0 else first + 6 + 2 * (i - 1)))
        txt = rr(b"\xc0\x0c", 16, data)
        return pre + txt + ptr_at_q(struct.pack("!H", 0xC000 | (first + 6 + 2 * (k - 1))))
    if kind == "huge":
        pre = hdr(qid, 0x8400, 1, 2) + q(qname)
        return pre + rr(other, 16, b"\x3fx" * 30000) + ptr_at_q(encode_name(arg))
    raise SystemExit("hostile_names.py: unknown step %r" % kind)


def nb_name(text, suffix, flags):
    b = label_bytes(text)[:15].ljust(15, b" ")
    return b + bytes([suffix]) + struct.pack("!H", flags)


def nb_reply(kind, arg, qid):
    def resp(i, entries):
        data = bytes([len(entries)]) + b"".join(entries) + b"\x02\x00\x00\x00\x00\x41" + bytes(40)
        owner = b"\x20CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00"
        return struct.pack("!HHHHHH", i, 0x8400, 0, 1, 0, 0) + owner + struct.pack("!HHIH", 0x21, 1, 0,
                                                                                      len(data)) + data
    name, _, group = arg.partition("/")
    ents = lambda: [nb_name(name, 0x00, 0x0400), nb_name(name, 0x20, 0x0400)] + \
        ([nb_name(group, 0x00, 0x8400)] if group else [])
    if kind == "ok":
        return resp(qid, ents())
    if kind == "dup":
        n, _, rest = arg.partition(":")
        return [nb_reply("ok", rest, qid)] * int(n)
    if kind == "wrongid":
        return resp(qid ^ 0x0101, ents())
    if kind == "noname":
        return resp(qid, [nb_name("LAB", 0x00, 0x8400)])
    if kind == "bomb":
        owner = b"\x20CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00"
        return struct.pack("!HHHHHH", qid, 0x8400, 0, 1, 0, 0) + owner + struct.pack("!HHIH", 0x21, 1, 0, 20) + \
            b"\xff" + bytes(19)
    raise SystemExit("hostile_names.py: unknown step %r" % kind)


class Sender:
    """Sends from the socket that got the query, or from any address/port (IP_TRANSPARENT)."""

    def __init__(self):
        self.socks = {}

    def send(self, default_sock, frm, pkt, to):
        fam = socket.AF_INET6 if ":" in to[0] else socket.AF_INET
        s = default_sock
        if frm:
            if frm.startswith("["):
                host, _, port = frm[1:].partition("]:")
            elif frm.count(":") == 1:
                host, port = frm.split(":")
            else:
                host, port = frm, ""
            host = host or None
            port = int(port) if port else default_sock.getsockname()[1]
            key = (fam, host, port)
            if key not in self.socks:
                s = socket.socket(fam, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if host:
                    s.setsockopt(socket.SOL_IP if fam == socket.AF_INET else socket.SOL_IPV6,
                                 IP_TRANSPARENT if fam == socket.AF_INET else IPV6_TRANSPARENT, 1)
                s.bind((host or ("0.0.0.0" if fam == socket.AF_INET else "::"), port))
                self.socks[key] = s
            s = self.socks[key]
        try:
            s.sendto(pkt, to)
        except OSError:
            pass


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), random.randrange(65536), 0, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def port_unreach(icmp_src, scanner, sport, dst, dport, quoted=b"", inner=None):
    """ICMP port unreachable 'from' icmp_src to scanner, quoting scanner:sport (or inner:sport) -> dst:dport."""
    inner = ip4(inner or scanner, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(quoted), 0) + quoted)
    msg = struct.pack("!BBHI", 3, 3, 0, 0) + inner
    msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
    return ip4(icmp_src, scanner, 1, msg)


def flood(to, n, kind, qid, qname, procs):
    kids = []
    for _ in range(procs - 1):
        pid = os.fork()
        if pid == 0:
            flood(to, n, kind, qid, qname, 1)
            os._exit(0)
        kids.append(pid)
    s = socket.socket(socket.AF_INET6 if ":" in to[0] else socket.AF_INET, socket.SOCK_DGRAM)
    bad = dns_reply("wrongq", "flood.local", qid, qname, "198.19.1.250") if kind == "id" else None
    for i in range(n):
        pkt = bad if bad else struct.pack("!H", random.randrange(65536)) + os.urandom(40)
        try:
            s.sendto(pkt, to)
        except OSError:
            pass
    for pid in kids:
        os.waitpid(pid, 0)


def run_serve(args, deadline):
    rules = {}
    for r in args.mdns:
        a, _, steps = r.partition("=")
        rules[rev_name(a).lower()] = (a, parse_steps(steps))
    nbsteps = parse_steps(args.nbns) if args.nbns else None
    idx = socket.if_nametoindex("eth0")
    socks = []
    m4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    m4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    m4.bind(("0.0.0.0", 5353))
    m4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                  socket.inet_aton("224.0.0.251") + socket.inet_aton("0.0.0.0") + struct.pack("i", idx))
    m6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    m6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    m6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    m6.bind(("::", 5353))
    m6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, "ff02::fb") +
                  struct.pack("I", idx))
    socks += [m4, m6]
    nb = None
    if nbsteps is not None or args.icmp_nbns:
        nb = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        nb.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        nb.bind(("0.0.0.0", 137))
        socks.append(nb)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW) if args.icmp_nbns else None
    sender = Sender()
    due = []    # (time, n, sock, frm, pkt, to)
    seen = set()
    flooded = False
    icmp = []   # (until, scanner, port)
    n = 0
    while time.time() < deadline:
        now = time.time()
        nxt = min([d[0] for d in due] + [now + 0.05] + ([now + 0.005] if icmp else []))
        ready, _, _ = select.select(socks, [], [], max(0.0, min(deadline, nxt) - now))
        for s in ready:
            try:
                pkt, peer = s.recvfrom(65535)
            except OSError:
                continue
            if len(pkt) < 12 or pkt[2] & 0x80:
                continue
            qid = struct.unpack("!H", pkt[:2])[0]
            if s is nb:
                if args.icmp_nbns:
                    icmp.append((time.time() + args.icmp_ms / 1000.0, peer[0], peer[1]))
                if nbsteps is None or (s, peer, qid) in seen:
                    continue
                seen.add((s, peer, qid))
                for kind, arg, ms, frm in nbsteps:
                    out = nb_reply(kind, arg, qid)
                    for p in out if isinstance(out, list) else [out]:
                        n += 1
                        due.append((time.time() + ms / 1000.0, n, s, frm, p, peer))
                continue
            try:
                qname, off = read_name(pkt, 12)
            except ValueError:
                continue
            if args.flood and not flooded:
                flooded = True
                flood(peer[:2] if s is m4 else peer, args.flood, args.flood_kind, qid, qname, args.flood_procs)
            rule = rules.get(qname.lower())
            if rule is None or (peer[0], qid) in seen:
                continue
            seen.add((peer[0], qid))
            addr, steps = rule
            for kind, arg, ms, frm in steps:
                out = dns_reply(kind, arg, qid, qname, addr)
                for p in out if isinstance(out, list) else [out]:
                    n += 1
                    due.append((time.time() + ms / 1000.0, n, s, frm, p, peer))
        now = time.time()
        due.sort(key=lambda d: (d[0], d[1]))
        while due and due[0][0] <= now:
            _, _, s, frm, p, peer = due.pop(0)
            sender.send(s, frm, p, peer)
        if icmp:
            icmp = [i for i in icmp if i[0] > now]
            for _, scanner, port in icmp:
                raw.sendto(port_unreach(args.icmp_from or args.icmp_nbns, scanner, port, args.icmp_nbns, 137,
                                        bytes(50)), (scanner, 0))


def run_icmp_dns(args, deadline):
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    src = args.icmp_from or args.server
    lo, hi = (int(x) for x in args.ports.split("-"))
    while time.time() < deadline:
        for port in range(lo, hi + 1):
            try:
                quoted = struct.pack("!H", random.randrange(65536)) + bytes(10)	# a guessed DNS id
                raw.sendto(port_unreach(src, args.to, port, args.server, 53, quoted, args.inner), (args.to, 0))
            except OSError:
                pass


def udp_ports():
    """Local ports of the IPv4 UDP sockets bound to 0.0.0.0 (world-readable /proc/net/udp)."""
    out = set()
    with open("/proc/net/udp") as f:
        for line in f.readlines()[1:]:
            local, remote = line.split()[1:3]
            ip, port = local.split(":")
            if ip == "00000000" and remote == "00000000:0000":
                out.add(int(port, 16))
    return out


def run_local_mdns(args, deadline):
    """An unprivileged process on the scanning machine: for the UDP sockets that appear, an mDNS
    answer for --addr's reverse name, NAME, with every id, from each --src (port 5353)."""
    qname = rev_name(args.addr)
    body = dns_reply("ok", args.name, 0, qname, args.addr)[2:]
    socks = []
    for src in args.src:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((src, 5353))
        socks.append(s)
    before = udp_ports() - {5353}
    while time.time() < deadline:
        new = udp_ports() - before - {5353}
        if new:
            break
        time.sleep(0.005)
    else:
        return
    for port in new:
        for s in socks:
            for i in range(65536):
                try:
                    s.sendto(struct.pack("!H", i) + body, (args.to, port))
                except OSError:
                    pass


def run_dns(args, deadline):
    rules = {}
    for r in args.rule:
        a, _, steps = r.partition("=")
        rules[rev_name(a).lower()] = (a, parse_steps(steps))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((args.listen, 53))
    sender = Sender()
    due = []
    n = 0
    while time.time() < deadline:
        now = time.time()
        nxt = min([d[0] for d in due] + [now + 0.05])
        ready, _, _ = select.select([s], [], [], max(0.0, min(deadline, nxt) - now))
        if ready:
            try:
                pkt, peer = s.recvfrom(4096)
                qname, off = read_name(pkt, 12)
            except (OSError, ValueError):
                pkt = b""
            if len(pkt) >= 12 and not pkt[2] & 0x80:
                qid = struct.unpack("!H", pkt[:2])[0]
                rule = rules.get(qname.lower())
                steps = rule[1] if rule else [("nx", "", 0, None)]
                for kind, arg, ms, frm in steps:
                    out = dns_reply(kind, arg, qid, qname, rule[0] if rule else "0.0.0.0")
                    for p in out if isinstance(out, list) else [out]:
                        n += 1
                        due.append((time.time() + ms / 1000.0, n, frm, p, peer))
        now = time.time()
        due.sort(key=lambda d: (d[0], d[1]))
        while due and due[0][0] <= now:
            _, _, frm, p, peer = due.pop(0)
            sender.send(s, frm, p, peer)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["serve", "icmp-dns", "dns", "local-mdns"])
    p.add_argument("--mdns", action="append", default=[])
    p.add_argument("--nbns")
    p.add_argument("--icmp-nbns")
    p.add_argument("--icmp-ms", type=float, default=600)
    p.add_argument("--icmp-from", help="the forged ICMP's source (default: the victim, or the server)")
    p.add_argument("--flood", type=int, default=0)
    p.add_argument("--flood-kind", default="junk", choices=["junk", "id"])
    p.add_argument("--flood-procs", type=int, default=1)
    p.add_argument("--server")
    p.add_argument("--to", help="icmp-dns: the scanner's address on this segment")
    p.add_argument("--inner", help="icmp-dns: the scanner's source address towards the server (--to)")
    p.add_argument("--ports", default="32768-60999", help="icmp-dns: the ports to quote")
    p.add_argument("--listen")
    p.add_argument("--addr", help="local-mdns: the address to name")
    p.add_argument("--name", help="local-mdns: the name to give it")
    p.add_argument("--src", action="append", default=[], help="local-mdns: a local address to send from")
    p.add_argument("--rule", action="append", default=[])
    p.add_argument("--duration", type=float, default=30)
    args = p.parse_args()
    if not in_lab():
        sys.exit("hostile_names.py: not in a lab namespace; refusing")
    deadline = time.time() + args.duration
    {"serve": run_serve, "icmp-dns": run_icmp_dns, "dns": run_dns, "local-mdns": run_local_mdns}[args.mode](
        args, deadline)


if __name__ == "__main__":
    main()
