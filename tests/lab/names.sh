# names.sh -- a small office of real name responders, added to a running lab (sourced; needs LAB_ID and layout.sh).
#
#   names_up            after `lab.sh up`: builds everything below and waits until every responder
#                       answers (1.5-2 s; fails naming the laggards after $NAMES_WAIT s, default 15).
#                       Runs names_down first, so it also rebuilds a running names lab.
#   names_down          before `lab.sh down`: stops every daemon, removes the namespaces
#   names_slowdns_up ARGS...   (re)starts persona.py dns on $LAB_SLOWDNS4:53 in far with ARGS
#                       (--delay MS --rcode ok|nxdomain|servfail|refused|none
#                       --rule SPEC=ACTION[:MS] --log FILE; see persona.py); needs only `lab.sh up`
#   names_slowdns_down  stops it (names_down does too)
#   names_slowdns_name ADDR    the name it gives an IPv4 ADDR: 198.18.0.1 -> h1-0-18-198.slow.test
#   names_resolv_conf [ADDR]   writes "nameserver ADDR (default $LAB_SLOWDNS4), options timeout:1
#                       attempts:1" to a file in the run dir and prints its path
#   names_with_resolv FILE CMD...  runs CMD in the scanner namespace with FILE bind-mounted on
#                       /etc/resolv.conf (in ip netns exec's private mount namespace: the lab's
#                       resolv.conf, and every other command, keep the lab DNS), e.g.
#                         names_with_resolv "$(names_resolv_conf)" "$LANSCAN" 198.18.0.0/27
#                       unprivileged (mount as root, then drop; the file is mode 644):
#                         names_with_resolv "$f" setpriv --reuid=65534 --regid=65534 --clear-groups CMD...
#   names_probe ROLE SECONDS nb|mdns,ADDR,NAME...  waits, from namespace ROLE, for NBSTAT or mDNS answers
#
# Real daemons, as on a real LAN: nmbd (Samba 4.17: NetBIOS name service, NBSTAT on UDP 137) and
# avahi-daemon 0.8 (mDNS on 5353, with reverse PTRs for its own addresses; it answers a unicast
# query from any source port with a unicast reply, but only from on-link sources).  Each runs in
# its host's namespace bound to its eth0 only, with every file it writes in
# /run/lanscan-lab/$LAB_ID/names/ROLE (smb.conf, log.nmbd, nmbd.out, avahi.log, ...; avahi gets
# that directory's root/ as its /run).  No nmbd takes part in browser elections (local, domain,
# preferred master = no; os level 0) or WINS; Samba puts 00:00:00:00:00:00 as the MAC in its
# NBSTAT answers.  Every names namespace has a guard: output to anything but loopback, the lab's
# prefixes, link-local and multicast is counted and dropped (nft list counter inet names_guard
# leak), and its resolv.conf names 127.0.0.1.
#
# On the scanner's segment (198.19.1.0/24 and fd6c:6162:1::/64, bridged in sw), one namespace each;
# IPv6 fd6c:6162:1::30-37 alike (avahi answers ip6.arpa PTRs too); MACs from real vendors' OUIs:
#   address      role     NetBIOS (nmbd)  mDNS (avahi)       DNS PTR (lab)     personality, MAC vendor
#   198.19.1.30  win1     DESK-10 / LAB   -                  -                 Windows firewall: no ICMP
#                                                                              (ARP/ND answered), UDP 137/138
#                                                                              and TCP 445 open, rest
#                                                                              dropped; Dell
#   198.19.1.31  win2     DESK-11 / LAB   -                  -                 the same; Lenovo
#   198.19.1.32  samba    FILES / LAB     files.local        -                 Samba server: ICMP, TCP 445;
#                                                                              Super Micro
#   198.19.1.33  pi       -               raspberrypi.local  -                 ICMP; Raspberry Pi Trading
#   198.19.1.34  mac      -               macbook.local      -                 ICMP; Apple
#   198.19.1.35  nas      -               nas.local          nas.lab.test      ICMP; Synology
#   198.19.1.36  printer  -               -                  printer.lab.test  ICMP; Brother
#   198.19.1.37  noname   -               -                  -                 ICMP, no name anywhere;
#                                                                              Espressif
# Routed behind rtr (rtr nb0 198.19.252.1/30 -- rwin eth0 198.19.252.2/30 and 198.19.4.10/24;
# rtr routes 198.19.4.0/24 there, rwin's default route is rtr; IPv4 only):
#   198.19.4.10  rwin     DESK-20 / LAB   -                  -                 Windows firewall as win1
# In far, on lo: $LAB_SLOWDNS4 (198.19.53.54; rtr routes it) persona.py dns, by names_slowdns_up.
# The lab DNS ($LAB_DNS4) has nas and printer (lab.sh write_dns_hosts; layout.sh LAB_NAMES_*).
# NAMES_TABLE lists it all, a line per host: address role netbios mdns dns ("-": none).

# shellcheck disable=SC2034	# the variables are for the tests that source this
NAMES_WORKGROUP=LAB
NAMES_WIN1_4=198.19.1.30   NAMES_WIN1_6=fd6c:6162:1::30   NAMES_WIN1_MAC=98:e7:43:00:00:30   NAMES_WIN1_NB=DESK-10
NAMES_WIN2_4=198.19.1.31   NAMES_WIN2_6=fd6c:6162:1::31   NAMES_WIN2_MAC=10:c5:95:00:00:31   NAMES_WIN2_NB=DESK-11
NAMES_SAMBA_4=198.19.1.32  NAMES_SAMBA_6=fd6c:6162:1::32  NAMES_SAMBA_MAC=00:25:90:00:00:32  NAMES_SAMBA_NB=FILES
NAMES_SAMBA_MDNS=files.local
NAMES_PI_4=198.19.1.33     NAMES_PI_6=fd6c:6162:1::33     NAMES_PI_MAC=dc:a6:32:00:00:33     NAMES_PI_MDNS=raspberrypi.local
NAMES_MAC_4=198.19.1.34    NAMES_MAC_6=fd6c:6162:1::34    NAMES_MAC_MAC=88:b2:91:00:00:34    NAMES_MAC_MDNS=macbook.local
NAMES_NAS_4=$LAB_NAMES_NAS4 NAMES_NAS_6=$LAB_NAMES_NAS6   NAMES_NAS_MAC=00:11:32:00:00:35    NAMES_NAS_MDNS=nas.local
NAMES_NAS_DNS=$LAB_NAME_NAS
NAMES_PRINTER_4=$LAB_NAMES_PRINTER4 NAMES_PRINTER_6=$LAB_NAMES_PRINTER6 NAMES_PRINTER_MAC=00:80:77:00:00:36
NAMES_PRINTER_DNS=$LAB_NAME_PRINTER
NAMES_NONAME_4=198.19.1.37 NAMES_NONAME_6=fd6c:6162:1::37 NAMES_NONAME_MAC=24:0a:c4:00:00:37
NAMES_RWIN_4=198.19.4.10   NAMES_RWIN_NB=DESK-20
NAMES_RWIN_NET4=198.19.4.0/24
NAMES_RWIN_RTR4=198.19.252.1  NAMES_RWIN_LINK4=198.19.252.2	# the /30 between rtr and rwin
NAMES_RWIN_RTR_MAC=02:1a:b0:fc:00:01  NAMES_RWIN_MAC=98:e7:43:00:04:10
# Lists for tests: every on-link names host (all answer ARP/ND), the ones that drop ICMP echo,
# and the table (address, role, NetBIOS name, mDNS name, DNS name; "-" for none).
NAMES_ONLINK4="198.19.1.30 198.19.1.31 198.19.1.32 198.19.1.33 198.19.1.34 198.19.1.35 198.19.1.36 198.19.1.37"
NAMES_ONLINK6="fd6c:6162:1::30 fd6c:6162:1::31 fd6c:6162:1::32 fd6c:6162:1::33 fd6c:6162:1::34 fd6c:6162:1::35 fd6c:6162:1::36 fd6c:6162:1::37"
NAMES_NOECHO4="198.19.1.30 198.19.1.31 198.19.4.10"	# the Windows firewalls
NAMES_TABLE="198.19.1.30 win1 DESK-10 - -
198.19.1.31 win2 DESK-11 - -
198.19.1.32 samba FILES files.local -
198.19.1.33 pi - raspberrypi.local -
198.19.1.34 mac - macbook.local -
198.19.1.35 nas - nas.local nas.lab.test
198.19.1.36 printer - - printer.lab.test
198.19.1.37 noname - - -
198.19.4.10 rwin DESK-20 - -"
NAMES_ROLES="win1 win2 samba pi mac nas printer noname rwin"
: "${NAMES_WAIT:=15}"	# seconds names_up waits for the responders
NAMES_LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

names_run_dir() { printf '/run/lanscan-lab/%s/names' "${LAB_ID:-0}"; }

# The name persona.py dns gives an IPv4 address (its in-addr.arpa labels, joined by '-').
names_slowdns_name() {
	local IFS=. a
	# shellcheck disable=SC2086
	set -- $1
	a="h$4-$3-$2-$1.slow.test"
	echo "$a"
}

# Output to anything outside the lab is counted and dropped; run in every names namespace.
names_guard() {
	ip netns exec "$1" nft -f - <<-EOF
	table inet names_guard {
		counter leak { }
		chain output {
			type filter hook output priority 0; policy accept;
			ip daddr { 127.0.0.0/8, 198.18.0.0/15, 224.0.0.0/4, 255.255.255.255 } accept
			ip6 daddr { ::1, fd6c:6162::/32, fe80::/10, ff00::/8 } accept
			meta nfproto { ipv4, ipv6 } counter name leak drop
		}
	}
	EOF
}

# Windows' default firewall, letting NetBIOS and SMB in: no ICMP (ND answered).
names_winfw() {
	ip netns exec "$1" nft -f - <<-EOF
	table inet names_fw {
		chain input {
			type filter hook input priority 0; policy accept;
			meta l4proto icmp drop
			icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
			meta l4proto ipv6-icmp drop
			udp dport { 137, 138 } accept
			tcp dport 445 accept
			meta l4proto { tcp, udp } drop
		}
	}
	EOF
}

names_ns_setup() {	# ns: sysctls, resolv.conf, guard
	local ns=$1
	mkdir -p "/etc/netns/$ns"
	printf 'nameserver 127.0.0.1\n' >"/etc/netns/$ns/resolv.conf"
	ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 net.ipv4.icmp_ratelimit=0 >/dev/null
	names_guard "$ns"
}

names_host() {	# role addr4 addr6 mac id: a host namespace on the scanner's segment
	local role=$1 a4=$2 a6=$3 mac=$4 id=$5 ns sw
	ns=$(lab_ns "$role") sw=$(lab_ns sw)
	ip netns add "$ns"
	names_ns_setup "$ns"
	ip link add eth0 netns "$ns" address "$mac" type veth peer name "p$id" netns "$sw"
	ip -n "$sw" link set "p$id" master br0
	ip -n "$sw" link set "p$id" up
	printf '%s\n' "link set lo up" "addr add $a4/24 dev eth0" "addr add $a6/64 dev eth0 nodad" \
		"link set eth0 up" | ip -n "$ns" -batch -
}

names_nmbd() {	# role netbios-name interfaces
	local role=$1 name=$2 ifaces=$3 d
	d=$(names_run_dir)/$role
	mkdir -p "$d"/lock "$d"/state "$d"/cache "$d"/pid "$d"/private "$d"/ncalrpc "$d"/sock
	cat >"$d/smb.conf" <<-EOF
	[global]
		netbios name = $name
		workgroup = $NAMES_WORKGROUP
		server string = $role
		interfaces = $ifaces
		bind interfaces only = yes
		disable netbios = no
		wins support = no
		dns proxy = no
		local master = no
		domain master = no
		preferred master = no
		os level = 0
		lock directory = $d/lock
		state directory = $d/state
		cache directory = $d/cache
		pid directory = $d/pid
		private dir = $d/private
		ncalrpc dir = $d/ncalrpc
		nmbd:socket dir = $d/sock
		log file = $d/log.nmbd
		max log size = 0
		log level = 1
	EOF
	# -l: the log before smb.conf is read; "nmbd:socket dir": its "unexpected" socket
	# (else both in /var/log/samba and /run/samba, shared by every nmbd).
	ip netns exec "$(lab_ns "$role")" nmbd -F --no-process-group -l "$d" -s "$d/smb.conf" \
		</dev/null >"$d/nmbd.out" 2>&1 3>&- &
}

names_avahi() {	# role host-name
	local role=$1 name=$2 d
	d=$(names_run_dir)/$role
	mkdir -p "$d/root/avahi-daemon"
	cat >"$d/root/avahi-daemon.conf" <<-EOF
	[server]
	host-name=$name
	domain-name=local
	use-ipv4=yes
	use-ipv6=yes
	allow-interfaces=eth0
	enable-dbus=no
	[wide-area]
	enable-wide-area=no
	[publish]
	publish-addresses=yes
	publish-hinfo=no
	publish-workstation=no
	publish-domain=no
	[reflector]
	enable-reflector=no
	EOF
	# avahi's pid file and socket are /run/avahi-daemon/*, compiled in: give each daemon its
	# own /run, bound over the real one in ip netns exec's private mount namespace.
	# shellcheck disable=SC2016
	ip netns exec "$(lab_ns "$role")" sh -c 'mount --bind "$1" /run &&
		exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f /run/avahi-daemon.conf' \
		sh "$d/root" </dev/null >"$d/avahi.log" 2>&1 3>&- &
}

# names_probe ROLE SECONDS KIND,ADDR,NAME...: from namespace ROLE, ask every 0.2 s until each
# answers with NAME or SECONDS pass: nb = NBSTAT to ADDR:137 lists NAME; mdns = a legacy
# unicast PTR query to ADDR:5353 for ADDR's reverse name gets NAME (avahi answers only
# on-link sources).  Prints the ones that never answered; fails if any.
names_probe() {
	local role=$1 secs=$2 f
	shift 2
	f=$(names_run_dir)/probe.py
	[ -f "$f" ] || names_write_probe "$f"
	timeout $((${secs%.*} + 5)) ip netns exec "$(lab_ns "$role")" python3 "$f" "$secs" "$@"
}

names_write_probe() {
	mkdir -p "$(dirname "$1")"
	cat >"$1" <<'EOF'
import ipaddress, random, select, socket, struct, sys, time


def qname(name):
    return b"".join(bytes([len(x)]) + x.encode() for x in name.split(".") if x) + b"\0"


def rname(pkt, off, depth=0):
    out = []
    while off < len(pkt) and depth < 20:
        n = pkt[off]
        if n == 0:
            return ".".join(out), off + 1
        if n & 0xC0 == 0xC0:
            name, _ = rname(pkt, ((n & 0x3F) << 8) | pkt[off + 1], depth + 1)
            return ".".join(out + ([name] if name else [])), off + 2
        out.append(pkt[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    raise ValueError("bad name")


def nbstat(tid):
    return (struct.pack("!HHHHHH", tid, 0, 1, 0, 0, 0) + b"\x20CK" + b"A" * 30 + b"\0" +
            struct.pack("!HH", 0x21, 1))


def nb_names(pkt):
    _, off = rname(pkt, 12)
    off += 10
    return [pkt[off + 1 + 18 * i:off + 16 + 18 * i].decode("ascii", "replace").strip() for i in range(pkt[off])]


def ptrq(tid, addr):
    return (struct.pack("!HHHHHH", tid, 0, 1, 0, 0, 0) + qname(ipaddress.ip_address(addr).reverse_pointer) +
            struct.pack("!HH", 12, 1))


def ptr_names(pkt):
    qd, an = struct.unpack("!HH", pkt[4:8])
    off, out = 12, []
    for _ in range(qd):
        _, off = rname(pkt, off)
        off += 4
    for _ in range(an):
        _, off = rname(pkt, off)
        typ, _, _, ln = struct.unpack("!HHIH", pkt[off:off + 10])
        if typ == 12:
            out.append(rname(pkt, off + 10)[0])
        off += 10 + ln
    return out


deadline = time.time() + float(sys.argv[1])
pending = {}
for t in sys.argv[2:]:
    kind, addr, name = t.split(",")
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    pending[s] = (t, kind, addr, name)
while pending and time.time() < deadline:
    for s, (t, kind, addr, name) in pending.items():
        try:
            if kind == "nb":
                s.sendto(nbstat(random.randrange(65536)), (addr, 137))
            else:
                s.sendto(ptrq(random.randrange(65536), addr), (addr, 5353))
        except OSError:
            pass
    end = min(deadline, time.time() + 0.2)
    while pending and time.time() < end:
        ready, _, _ = select.select(list(pending), [], [], max(0.0, end - time.time()))
        for s in ready:
            t, kind, addr, name = pending[s]
            try:
                pkt = s.recv(4096)
                got = nb_names(pkt) if kind == "nb" else [n.rstrip(".") for n in ptr_names(pkt)]
            except (OSError, IndexError, ValueError, struct.error):
                continue
            if name in got:
                del pending[s]
for t, _, _, _ in pending.values():
    print(t)
sys.exit(1 if pending else 0)
EOF
}

names_up() {
	local rtr sw ns role d i ok=1
	rtr=$(lab_ns rtr) sw=$(lab_ns sw)
	for i in nmbd avahi-daemon nft python3; do
		command -v "$i" >/dev/null || { echo "names.sh: missing '$i'" >&2; return 1; }
	done
	ip netns list | grep -qw -- "^$sw" || { echo "names.sh: lab ${LAB_ID:-0} is not up" >&2; return 1; }
	names_down
	mkdir -p "$(names_run_dir)"

	names_host win1 "$NAMES_WIN1_4" "$NAMES_WIN1_6" "$NAMES_WIN1_MAC" 30
	names_host win2 "$NAMES_WIN2_4" "$NAMES_WIN2_6" "$NAMES_WIN2_MAC" 31
	names_host samba "$NAMES_SAMBA_4" "$NAMES_SAMBA_6" "$NAMES_SAMBA_MAC" 32
	names_host pi "$NAMES_PI_4" "$NAMES_PI_6" "$NAMES_PI_MAC" 33
	names_host mac "$NAMES_MAC_4" "$NAMES_MAC_6" "$NAMES_MAC_MAC" 34
	names_host nas "$NAMES_NAS_4" "$NAMES_NAS_6" "$NAMES_NAS_MAC" 35
	names_host printer "$NAMES_PRINTER_4" "$NAMES_PRINTER_6" "$NAMES_PRINTER_MAC" 36
	names_host noname "$NAMES_NONAME_4" "$NAMES_NONAME_6" "$NAMES_NONAME_MAC" 37

	# Routed: rwin behind rtr.
	ns=$(lab_ns rwin)
	ip netns add "$ns"
	names_ns_setup "$ns"
	ip link add nb0 netns "$rtr" address "$NAMES_RWIN_RTR_MAC" type veth peer name eth0 netns "$ns" \
		address "$NAMES_RWIN_MAC"
	printf '%s\n' "addr add $NAMES_RWIN_RTR4/30 dev nb0" "link set nb0 up" \
		"neigh replace $NAMES_RWIN_LINK4 lladdr $NAMES_RWIN_MAC dev nb0 nud permanent" \
		"route replace $NAMES_RWIN_NET4 via $NAMES_RWIN_LINK4" | ip -n "$rtr" -batch -
	printf '%s\n' "link set lo up" "addr add $NAMES_RWIN_LINK4/30 dev eth0" "addr add $NAMES_RWIN_4/24 dev eth0" \
		"link set eth0 up" "neigh replace $NAMES_RWIN_RTR4 lladdr $NAMES_RWIN_RTR_MAC dev eth0 nud permanent" \
		"route add default via $NAMES_RWIN_RTR4" | ip -n "$ns" -batch -

	for role in win1 win2 rwin; do names_winfw "$(lab_ns "$role")"; done
	for role in win1 win2 samba rwin; do
		ip netns exec "$(lab_ns "$role")" python3 "$NAMES_LAB_DIR/persona.py" listen --port 445 --duration 3600 \
			</dev/null >/dev/null 2>&1 3>&- &
	done

	names_nmbd win1 "$NAMES_WIN1_NB" eth0
	names_nmbd win2 "$NAMES_WIN2_NB" eth0
	names_nmbd samba "$NAMES_SAMBA_NB" eth0
	names_nmbd rwin "$NAMES_RWIN_NB" "$NAMES_RWIN_4/24"
	names_avahi samba "${NAMES_SAMBA_MDNS%.local}"
	names_avahi pi "${NAMES_PI_MDNS%.local}"
	names_avahi mac "${NAMES_MAC_MDNS%.local}"
	names_avahi nas "${NAMES_NAS_MDNS%.local}"

	# Wait until every responder answers, asking from noname (on-link: avahi answers only
	# on-link sources) and rtr (for rwin), so the scanner's neighbour cache stays cold.
	d=$(names_run_dir)
	names_write_probe "$d/probe.py"
	names_probe rtr "$NAMES_WAIT" "nb,$NAMES_RWIN_4,$NAMES_RWIN_NB" >"$d/probe-rtr.out" 2>&1 3>&- &
	i=$!
	names_probe noname "$NAMES_WAIT" "nb,$NAMES_WIN1_4,$NAMES_WIN1_NB" "nb,$NAMES_WIN2_4,$NAMES_WIN2_NB" \
		"nb,$NAMES_SAMBA_4,$NAMES_SAMBA_NB" "mdns,$NAMES_SAMBA_4,$NAMES_SAMBA_MDNS" \
		"mdns,$NAMES_PI_4,$NAMES_PI_MDNS" "mdns,$NAMES_MAC_4,$NAMES_MAC_MDNS" "mdns,$NAMES_NAS_4,$NAMES_NAS_MDNS" \
		"mdns,$NAMES_SAMBA_6,$NAMES_SAMBA_MDNS" "mdns,$NAMES_PI_6,$NAMES_PI_MDNS" \
		"mdns,$NAMES_MAC_6,$NAMES_MAC_MDNS" "mdns,$NAMES_NAS_6,$NAMES_NAS_MDNS" >"$d/probe.out" 2>&1 || ok=0
	wait "$i" || ok=0
	if [ "$ok" = 0 ]; then
		echo "names.sh: responders did not answer within ${NAMES_WAIT}s: $(cat "$d/probe.out" "$d/probe-rtr.out" | tr '\n' ' ')" >&2
		for i in "$d"/*/nmbd.out "$d"/*/log.nmbd "$d"/*/avahi.log; do
			[ -s "$i" ] && tail -n 3 "$i" | sed "s|^|names.sh: ${i#"$d"/}: |" >&2
		done
		return 1
	fi
	return 0
}

names_down() {
	local role ns pids i
	names_slowdns_down
	for role in $NAMES_ROLES; do
		ns=$(lab_ns "$role")
		if ip netns list 2>/dev/null | grep -qw -- "^$ns"; then
			pids=$(ip netns pids "$ns" 2>/dev/null || true)
			if [ -n "$pids" ]; then
				# shellcheck disable=SC2086
				kill -TERM $pids 2>/dev/null || true
				for i in 1 2 3 4 5 6 7 8 9 10; do
					pids=$(ip netns pids "$ns" 2>/dev/null || true)
					[ -z "$pids" ] && break
					sleep 0.05
				done
				# shellcheck disable=SC2086
				[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
			fi
			ip netns del "$ns" 2>/dev/null || true
		fi
		rm -rf "/etc/netns/$ns"
	done
	# The veth nb0 went with rwin, and its route with it.
	rm -rf "$(names_run_dir)"
	return 0
}

names_slowdns_up() {
	local far rtr d i
	far=$(lab_ns far) rtr=$(lab_ns rtr)
	names_slowdns_down
	d=$(names_run_dir)
	mkdir -p "$d"
	ip -n "$far" addr replace "$LAB_SLOWDNS4/32" dev lo
	ip -n "$rtr" route replace "$LAB_SLOWDNS4/32" via "$LAB_FAR_FR4"
	ip netns exec "$far" python3 "$NAMES_LAB_DIR/persona.py" dns --listen "$LAB_SLOWDNS4" --port 53 \
		--duration 3600 "$@" </dev/null >"$d/slowdns.out" 2>&1 3>&- &
	echo $! >"$d/slowdns.pid"
	for i in $(seq 1 100); do
		ip netns exec "$far" ss -Hlun "src $LAB_SLOWDNS4 and sport = :53" | grep -q . && return 0
		kill -0 "$(cat "$d/slowdns.pid")" 2>/dev/null || break
		sleep 0.02
	done
	echo "names.sh: persona.py dns did not start:" >&2
	cat "$d/slowdns.out" >&2
	return 1
}

names_slowdns_down() {
	local f pid i
	f=$(names_run_dir)/slowdns.pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	rm -f "$f"
	# Only if that pid is still our persona.py (never a reused pid).
	if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "persona.py dns --listen $LAB_SLOWDNS4"; then
		kill -TERM "$pid" 2>/dev/null || true
		for i in 1 2 3 4 5 6 7 8 9 10; do	# until gone or a zombie
			case $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) in ''|Z) break;; esac
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	return 0
}

names_resolv_conf() {	# [ADDR]: a resolv.conf naming ADDR, printed as a path
	local d f
	d=$(names_run_dir)
	mkdir -p "$d"
	f=$d/resolv-${1:-$LAB_SLOWDNS4}.conf
	printf 'nameserver %s\noptions timeout:1 attempts:1\n' "${1:-$LAB_SLOWDNS4}" >"$f"
	chmod 644 "$f"
	echo "$f"
}

names_with_resolv() {	# FILE CMD...: CMD in the scanner namespace with FILE as /etc/resolv.conf
	local f=$1
	shift
	# shellcheck disable=SC2016
	timeout "${LANSCAN_TEST_TIMEOUT:-30}" ip netns exec "$(lab_ns scan)" \
		sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' sh "$f" "$@"
}
