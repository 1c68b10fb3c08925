#!/usr/bin/env python3
"""persona.py -- user-space hosts for the lab: slow hosts, sprayers and hostile responders.

Runs only inside a lab network namespace: it refuses to start where any
interface is a physical one (see in_lab()).  Modes:

  delayed  answer ICMP echo for ADDR=MS pairs after MS milliseconds (the
           kernel must ignore echo: net.ipv4.icmp_echo_ignore_all=1), and
           with --arp IFACE answer ARP for them after the same delay (the
           kernel must not: arp_ignore=8 on IFACE).  A sleepy Wi-Fi client.
  spray    send unsolicited echo replies (random ids, sequences, payloads)
           from --sources (absent addresses) to --to at --rate a second.
  listen   accept TCP connections on --port (a deep backlog, as a real server
           has) and close them at once.
  hostile  for each echo request to --addrs: first a forged "host
           unreachable" quoting it, then 50 copies of the right reply plus
           replies with a wrong id, sequence, payload, checksum, a truncated
           one and ones from spoofed sources, after --delay ms.
  dns      a UDP DNS server on --listen ADDR --port PORT for slow and failing
           reverse lookups.  A PTR query for an address is answered after
           --delay ms with --rcode: ok (the default) names it, IPv4 A.B.C.D as
           hD-C-B-A.DOMAIN (the in-addr.arpa labels as asked: 1.0.18.198 ->
           h1-0-18-198.slow.test), IPv6 as h<the 32 ip6.arpa nibbles>.DOMAIN;
           nxdomain, servfail, refused answer with that rcode; none never
           answers.  --rule SPEC=ACTION[:MS] (repeatable, first match wins;
           SPEC is ADDR, ADDR-ADDR or a prefix) sets the action and delay for
           some addresses.  A and AAAA queries for those names are answered
           the same way (forward records), anything else as NXDOMAIN or the
           action's error.  --log FILE gets one line per query: time, source,
           type, name, action.

Every mode stops after --duration seconds.
"""
import argparse
import heapq
import ipaddress
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806
ETH_P_ALL = 0x0003


def in_lab():
    """True when this namespace looks like a lab one: no interface but lo and veths/bridges we made."""
    for name in os.listdir("/sys/class/net"):
        if name == "lo":
            continue
        kind = os.path.realpath(os.path.join("/sys/class/net", name))
        if "/virtual/" not in kind:
            return False
    return True


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(src, dst, payload, proto=1, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), random.randrange(65536), 0, ttl, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def icmp(type_, code, rest, body):
    msg = struct.pack("!BBH", type_, code, 0) + rest + body
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


class Raw:
    """A raw IPv4 socket that sees ICMP and sends whole IP packets."""

    def __init__(self):
        self.rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        self.tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.tx.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)

    def send(self, pkt, dst):
        try:
            self.tx.sendto(pkt, (dst, 0))
        except OSError:
            pass

    def requests(self):
        """Echo requests queued now: (src, dst, id, seq, payload, whole ip packet)."""
        out = []
        while True:
            try:
                pkt = self.rx.recv(65535, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return out
            hl = (pkt[0] & 15) * 4
            if len(pkt) < hl + 8 or pkt[hl] != 8:
                continue
            ident, seq = struct.unpack("!HH", pkt[hl + 4:hl + 8])
            out.append((socket.inet_ntoa(pkt[12:16]), socket.inet_ntoa(pkt[16:20]), ident, seq, pkt[hl + 8:], pkt))


def reply(src, dst, ident, seq, payload):
    return ip4(src, dst, icmp(0, 0, struct.pack("!HH", ident, seq), payload))


def run_delayed(args, deadline):
    delays = {}
    for pair in args.hosts:
        a, ms = pair.split("=")
        delays[a] = int(ms) / 1000.0
    raw = Raw()
    arp = None
    mac = None
    if args.arp:
        arp = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
        arp.bind((args.arp, ETH_P_ARP))
        mac = open("/sys/class/net/%s/address" % args.arp).read().strip()
        mac = bytes(int(x, 16) for x in mac.split(":"))
    due = []   # (time, n, kind, data)
    n = 0
    while time.time() < deadline:
        socks = [raw.rx] + ([arp] if arp else [])
        wait = max(0.0, min(deadline - time.time(), (due[0][0] - time.time()) if due else 0.05))
        ready, _, _ = select.select(socks, [], [], wait)
        if raw.rx in ready:
            for src, dst, ident, seq, payload, _ in raw.requests():
                if dst in delays:
                    n += 1
                    heapq.heappush(due, (time.time() + delays[dst], n, "icmp", (dst, src, ident, seq, payload)))
        if arp is not None and arp in ready:
            while True:
                try:
                    frame = arp.recv(2048, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                a = frame[14:]
                if len(a) < 28 or a[6:8] != b"\0\1":
                    continue
                tpa = socket.inet_ntoa(a[24:28])
                if tpa in delays:
                    n += 1
                    heapq.heappush(due, (time.time() + delays[tpa], n, "arp", (frame[6:12], a[8:14], a[14:18], a[24:28])))
        while due and due[0][0] <= time.time():
            _, _, kind, d = heapq.heappop(due)
            if kind == "icmp":
                me, peer, ident, seq, payload = d
                raw.send(reply(me, peer, ident, seq, payload), peer)
            else:
                eth_src, sha, spa, tpa = d
                body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac + tpa + sha + spa
                arp.send(eth_src + mac + struct.pack("!H", ETH_P_ARP) + body)


def run_spray(args, deadline):
    raw = Raw()
    net = list(ipaddress.ip_network(args.sources).hosts())
    gap = 1.0 / args.rate
    nxt = time.time()
    while time.time() < deadline:
        src = str(random.choice(net))
        payload = os.urandom(random.choice([0, 8, 24, 32, 56]))
        raw.send(reply(src, args.to, random.randrange(65536), random.randrange(65536), payload), args.to)
        nxt += gap
        pause = nxt - time.time()
        if pause > 0:
            time.sleep(pause)


def run_hostile(args, deadline):
    raw = Raw()
    mine = set(args.addrs)
    absent = [str(a) for a in ipaddress.ip_network(args.sources).hosts()] if args.sources else []
    due = []
    n = 0
    while time.time() < deadline:
        wait = max(0.0, min(deadline - time.time(), (due[0][0] - time.time()) if due else 0.05))
        select.select([raw.rx], [], [], wait)
        for src, dst, ident, seq, payload, whole in raw.requests():
            if dst not in mine:
                continue
            # A forged error quoting the probe, at once; the real answer later.
            raw.send(ip4(dst, src, icmp(3, 1, b"\0\0\0\0", whole[:28 + len(payload)])), src)
            n += 1
            heapq.heappush(due, (time.time() + args.delay / 1000.0, n, (dst, src, ident, seq, payload)))
        while due and due[0][0] <= time.time():
            _, _, (me, peer, ident, seq, payload) = heapq.heappop(due)
            good = reply(me, peer, ident, seq, payload)
            for _ in range(50):
                raw.send(good, peer)
            raw.send(reply(me, peer, ident ^ 0x5555, seq, payload), peer)
            raw.send(reply(me, peer, ident, seq + 1, payload), peer)
            raw.send(reply(me, peer, ident, seq, bytes(len(payload))), peer)
            raw.send(reply(me, peer, ident, seq, payload)[:20 + 8 + 4], peer)
            bad = bytearray(reply(me, peer, ident, seq, payload))
            bad[22] ^= 0xFF   # the ICMP checksum
            raw.send(bytes(bad), peer)
            for other in absent[:20]:
                raw.send(reply(other, peer, ident, seq, payload), peer)


def run_listen(args, deadline):
    socks = []
    for fam, any_ in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((any_, args.port))
        s.listen(4096)
        s.setblocking(False)
        socks.append(s)
    while time.time() < deadline:
        ready, _, _ = select.select(socks, [], [], min(0.5, max(0.0, deadline - time.time())))
        for s in ready:
            try:
                c, _ = s.accept()
                c.close()
            except OSError:
                pass


DNS_ACTIONS = {"ok": 0, "nxdomain": 3, "servfail": 2, "refused": 5, "none": None}
DNS_TYPES = {1: "A", 12: "PTR", 28: "AAAA"}


def dns_rule(text, default_ms):
    """SPEC=ACTION[:MS] -> (first, last, action, seconds)."""
    spec, _, act = text.partition("=")
    act, _, ms = act.partition(":")
    if act not in DNS_ACTIONS:
        raise SystemExit("persona.py: unknown dns action %r" % act)
    if "/" in spec:
        net = ipaddress.ip_network(spec, strict=False)
        lo, hi = net[0], net[-1]
    elif "-" in spec:
        a, b = spec.split("-", 1)
        lo, hi = ipaddress.ip_address(a), ipaddress.ip_address(b)
    else:
        lo = hi = ipaddress.ip_address(spec)
    return lo, hi, act, (float(ms) if ms else default_ms) / 1000.0


def dns_name(labels, domain):
    """The reverse-lookup labels (lowercase, without in-addr.arpa/ip6.arpa) -> (address, name) or None."""
    try:
        if len(labels) == 4:
            addr = ipaddress.IPv4Address(".".join(reversed(labels)))
            return addr, "h" + "-".join(labels) + "." + domain
        if len(labels) == 32 and all(len(x) == 1 for x in labels):
            addr = ipaddress.IPv6Address(int("".join(reversed(labels)), 16))
            return addr, "h" + "".join(labels) + "." + domain
    except ValueError:
        pass
    return None


def dns_parse_name(pkt, off):
    labels = []
    while True:
        if off >= len(pkt):
            return None, off
        n = pkt[off]
        off += 1
        if n == 0:
            return labels, off
        if n & 0xC0 or off + n > len(pkt):
            return None, off
        labels.append(pkt[off:off + n].decode("ascii", "replace").lower())
        off += n


def dns_encode(name):
    return b"".join(bytes([len(x)]) + x.encode("ascii") for x in name.split(".") if x) + b"\0"


def run_dns(args, deadline):
    default_ms = args.delay
    rules = [dns_rule(r, default_ms) for r in args.rule]
    if args.rcode not in DNS_ACTIONS:
        raise SystemExit("persona.py: unknown --rcode %r" % args.rcode)
    domain = args.domain.strip(".").lower()
    fam = socket.AF_INET6 if ":" in args.listen else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((args.listen, args.port))
    log = open(args.log, "a", buffering=1) if args.log else None
    due = []
    n = 0
    while time.time() < deadline:
        wait = max(0.0, min(deadline - time.time(), (due[0][0] - time.time()) if due else 0.5))
        ready, _, _ = select.select([s], [], [], wait)
        if ready:
            try:
                pkt, peer = s.recvfrom(4096)
            except OSError:
                pkt = b""
            if len(pkt) >= 12 and not pkt[2] & 0x80 and struct.unpack("!H", pkt[4:6])[0] >= 1:
                labels, off = dns_parse_name(pkt, 12)
                if labels is not None and off + 4 <= len(pkt):
                    qtype, _qclass = struct.unpack("!HH", pkt[off:off + 4])
                    question = pkt[12:off + 4]
                    qname = ".".join(labels)
                    target = None
                    if qtype == 12 and labels[-2:] == ["in-addr", "arpa"]:
                        target = dns_name(labels[:-2], domain)
                    elif qtype == 12 and labels[-2:] == ["ip6", "arpa"]:
                        target = dns_name(labels[:-2], domain)
                    elif qtype in (1, 28) and len(labels) >= 2 and qname.endswith("." + domain) and \
                            labels[0].startswith("h"):
                        first = labels[0][1:]
                        parts = first.split("-") if "-" in first else list(first)
                        target = dns_name(parts, domain)
                    act, delay = args.rcode, default_ms / 1000.0
                    if target is not None:
                        for lo, hi, a, d in rules:
                            if lo.version == target[0].version and lo <= target[0] <= hi:
                                act, delay = a, d
                                break
                    if log:
                        log.write("%.3f\t%s\t%s\t%s\t%s\n" % (time.time(), peer[0], DNS_TYPES.get(qtype, qtype),
                                                                qname, act))
                    if act != "none":
                        rcode = DNS_ACTIONS[act]
                        answer = b""
                        if rcode == 0:
                            if target is None:
                                rcode = 3
                            elif qtype == 12:
                                rdata = dns_encode(target[1])
                                answer = struct.pack("!HHHIH", 0xC00C, 12, 1, 60, len(rdata)) + rdata
                            elif (qtype == 1) == (target[0].version == 4):
                                rdata = target[0].packed
                                answer = struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, len(rdata)) + rdata
                        flags = 0x8400 | (pkt[2] & 0x79) << 8 | 0x80 | rcode   # QR AA, opcode+RD as asked, RA
                        resp = pkt[0:2] + struct.pack("!HHHHH", flags, 1, 1 if answer else 0, 0, 0) + question + answer
                        n += 1
                        heapq.heappush(due, (time.time() + delay, n, resp, peer))
        while due and due[0][0] <= time.time():
            _, _, resp, peer = heapq.heappop(due)
            try:
                s.sendto(resp, peer)
            except OSError:
                pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["delayed", "spray", "hostile", "listen", "dns"])
    p.add_argument("--port", type=int, default=None, help="listen: the TCP port (445); dns: the UDP port (53)")
    p.add_argument("--hosts", nargs="*", default=[], help="delayed: ADDR=MS pairs")
    p.add_argument("--arp", help="delayed: answer ARP on this interface too")
    p.add_argument("--to", help="spray: the scanner's address")
    p.add_argument("--sources", help="spray/hostile: a prefix of absent addresses to claim")
    p.add_argument("--rate", type=float, default=4000)
    p.add_argument("--addrs", nargs="*", default=[], help="hostile: addresses to answer for")
    p.add_argument("--delay", type=float, default=None,
                   help="hostile: ms before the real reply (200); dns: ms before each answer (0)")
    p.add_argument("--listen", default="127.0.0.1", help="dns: the address to serve on")
    p.add_argument("--rcode", default="ok", help="dns: ok|nxdomain|servfail|refused|none (never answer)")
    p.add_argument("--rule", action="append", default=[], help="dns: SPEC=ACTION[:MS], first match wins")
    p.add_argument("--domain", default="slow.test", help="dns: the domain of the names given")
    p.add_argument("--log", help="dns: append a line per query to this file")
    p.add_argument("--duration", type=float, default=60)
    args = p.parse_args()
    if not in_lab():
        sys.exit("persona.py: not in a lab namespace; refusing")
    if args.delay is None:
        args.delay = 0 if args.mode == "dns" else 200
    if args.port is None:
        args.port = 53 if args.mode == "dns" else 445
    deadline = time.time() + args.duration
    {"delayed": run_delayed, "spray": run_spray, "hostile": run_hostile, "listen": run_listen,
     "dns": run_dns}[args.mode](
        args, deadline)


if __name__ == "__main__":
    main()
