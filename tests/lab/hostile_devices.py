#!/usr/bin/env python3
"""hostile_devices.py -- a hostile device for the device lab (devices.sh): SSDP, UPnP descriptions and mDNS that lie.

Runs only inside a lab network namespace (it refuses where any interface is a
physical one) and sends only to whoever asked it something.  It answers every
M-SEARCH (unicast to its port 1900, or to 239.255.255.250 joined on eth0) with
a LOCATION on --addr:--port (or, --mode other, on --victim), serves that
description over HTTP on --port, and, with --mdns, answers every mDNS query it
hears (unicast to 5353, or 224.0.0.251 joined on eth0) claiming to be a
printer, whatever host the query was about.  --mode:

  other   LOCATION names another host (--victim): the scanner must not fetch it
  slow    the description a byte every 100 ms (slowloris)
  huge    a 10 MB description, no Content-Length
  bomb    an XML billion-laughs description
  ctl     control bytes and bidirectional overrides in SERVER, friendlyName and modelName
  spoof   a well-formed description claiming to be an InternetGatewayDevice (its own kind only)

Every mode stops after --duration seconds.
"""
import argparse
import os
import select
import socket
import struct
import sys
import time


def in_lab():
    for name in os.listdir("/sys/class/net"):
        if name != "lo" and "/virtual/" not in os.path.realpath(os.path.join("/sys/class/net", name)):
            return False
    return True


DESC = ('<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major>'
        '<minor>0</minor></specVersion><device><deviceType>%s</deviceType><friendlyName>%s</friendlyName>'
        '<manufacturer>Hostile</manufacturer><modelName>%s</modelName><modelNumber>6.6.6</modelNumber>'
        '<UDN>uuid:00000000-0000-0000-0000-000000000666</UDN></device></root>\n')

BOMB = ('<?xml version="1.0"?><!DOCTYPE root [<!ENTITY a "aaaaaaaaaa">'
        + "".join('<!ENTITY %s "%s">' % (chr(ord("b") + i), ("&%s;" % chr(ord("a") + i)) * 10) for i in range(8))
        + ']><root><device><deviceType>urn:schemas-upnp-org:device:Printer:1</deviceType>'
        '<modelName>&i;</modelName></device></root>')


def description(mode):
    if mode == "bomb":
        return BOMB.encode()
    if mode == "ctl":
        # XML 1.0 allows tab, newline, C1 controls (U+0085) and bidi overrides (U+202E) as characters.
        return (DESC % ("urn:schemas-upnp-org:device:Printer:1", "Evil\tTV\n\u0085\u202eright",
                        "Model\u0085\u009b2J\u202e")).encode()
    return (DESC % ("urn:schemas-upnp-org:device:InternetGatewayDevice:1", "Hostile Router", "Hostile 666")).encode()


def ssdp_answer(args, st):
    host = args.victim if args.mode == "other" else args.addr
    server = "Evil\x1b[2J\x07 UPnP/1.0" if args.mode == "ctl" else "Hostile/1.0 UPnP/1.0"
    return ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: %s\r\nUSN: uuid:666::%s\r\nEXT:\r\n"
            "SERVER: %s\r\nLOCATION: http://%s:%d/desc.xml\r\n\r\n" % (st, st, server, host, args.port)).encode()


def mdns_answer(q):
    """A reply to any query: the question echoed, a PTR claiming _ipp._tcp, a TXT claiming a printer."""
    tid = q[:2]
    off = 12
    while off < len(q) and q[off] != 0:
        off += 1 + q[off]
    question = q[12:off + 5]
    name = b"\x04_ipp\x04_tcp\x05local\x00"
    inst = b"\x05Spoof" + name
    txt = b"".join(bytes([len(s)]) + s for s in (b"ty=Spoofed Printer", b"md=Spoofed", b"model=iPhone14,2"))
    ptr = b"\xc0\x0c" + struct.pack("!HHIH", 12, 1, 10, len(name)) + name
    ptr2 = name + struct.pack("!HHIH", 12, 1, 10, len(inst)) + inst
    txtrr = inst + struct.pack("!HHIH", 16, 1, 10, len(txt)) + txt
    return tid + struct.pack("!HHHHH", 0x8400, 1, 3, 0, 0) + question + ptr + ptr2 + txtrr


def join(sock, group, iface_addr):
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton(iface_addr))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--addr", required=True)
    p.add_argument("--victim", default="198.19.1.44")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--mode", choices=["other", "slow", "huge", "bomb", "ctl", "spoof"], required=True)
    p.add_argument("--mdns", action="store_true")
    p.add_argument("--duration", type=float, default=60)
    args = p.parse_args()
    if not in_lab():
        sys.exit("hostile_devices.py: not in a lab namespace")
    deadline = time.time() + args.duration
    ssdp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ssdp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ssdp.bind(("0.0.0.0", 1900))
    join(ssdp, "239.255.255.250", args.addr)
    http = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    http.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    http.bind((args.addr, args.port))
    http.listen(16)
    socks = [ssdp, http]
    if args.mdns:
        mdns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        mdns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        mdns.bind(("0.0.0.0", 5353))
        join(mdns, "224.0.0.251", args.addr)
        socks.append(mdns)
    conns = []	# [socket, bytes left to send, next send time]
    body = description(args.mode)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while time.time() < deadline:
        wait = 0.05 if conns else 0.5
        ready, _, _ = select.select(socks, [], [], wait)
        for s in ready:
            if s is http:
                c, _ = http.accept()
                c.setblocking(False)
                if args.mode == "huge":
                    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n"
                    conns.append([c, head + b"<" * (10 << 20), 0.0])
                else:
                    head = ("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n"
                            "Connection: close\r\n\r\n" % len(body)).encode()
                    conns.append([c, head + body, 0.0])
                continue
            data, src = s.recvfrom(9000)
            if s is ssdp and data.startswith(b"M-SEARCH"):
                st = "urn:schemas-upnp-org:device:InternetGatewayDevice:1"
                s.sendto(ssdp_answer(args, st), src)
            elif args.mdns and s is socks[2] and len(data) >= 12 and not data[2] & 0x80:
                s.sendto(mdns_answer(data), src)
        now = time.time()
        for c in list(conns):
            sock, left, at = c
            try:
                if args.mode == "slow":
                    if now >= at and left:
                        sock.send(left[:1])
                        c[1], c[2] = left[1:], now + 0.1
                elif left:
                    n = sock.send(left[:65536])
                    c[1] = left[n:]
                if not c[1]:
                    sock.close()
                    conns.remove(c)
            except BlockingIOError:
                pass
            except OSError:
                sock.close()
                conns.remove(c)


main()
