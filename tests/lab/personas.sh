# personas.sh -- hosts as real networks have them, added to a running lab (sourced; needs LAB_ID and layout.sh).
#
#   personas_up    after `lab.sh up`: builds everything below (about 1 s)
#   personas_down  before `lab.sh down`: kills the responders, removes the namespaces
#
# On the scanner's segment (198.19.1.0/24, bridged in sw), one namespace each:
# (MACs from Dell, Raspberry Pi and Apple OUIs)
#   198.19.1.20 win     Windows with its default firewall: no ICMP answered (v4 or v6, any type), TCP 445
#                       open, every other TCP and UDP port silently dropped; ARP/ND answered
#   198.19.1.21 arponly a device that drops every IP packet; it answers ARP (and ND) only
#   198.19.1.22 sleepy  a sleepy Wi-Fi client (every packet slow: other ICMP and TCP/UDP dropped):
#                       echo and ARP answered from user space after
#                       400 ms (the kernel answers neither), TCP and UDP dropped
# Routed behind rtr, 198.19.3.0/24 in namespace slow (ICMP echo ignored by the kernel, TCP
# and UDP dropped, except 445 on the Windows hosts):
#   198.19.3.1-24      slow hosts: echo answered after 100 + 800*(N-1)/23 ms (100 to 900 ms)
#   198.19.3.201-203   routed Windows PCs: no ICMP, only TCP 445 open
#   198.19.3.100-199   absent (no reply, no error)
PERS_WIN4=198.19.1.20
PERS_ARPONLY4=198.19.1.21
PERS_SLEEPY4=198.19.1.22
PERS_SLEEPY_MS=400
# MACs from real vendors' OUIs (Debian ieee-data): Dell, Raspberry Pi, Apple.
PERS_WIN_MAC=00:14:22:00:00:20
PERS_ARPONLY_MAC=b8:27:eb:00:00:21
PERS_SLEEPY_MAC=f0:18:98:00:00:22
PERS_SLOW_NET4=198.19.3.0/24
PERS_SLOW_LIVE="$(i=1; while [ $i -le 24 ]; do printf '198.19.3.%d ' $i; i=$((i+1)); done)"
PERS_RWIN4="198.19.3.201 198.19.3.202 198.19.3.203"
PERS_ROLES="win arponly sleepy slow"
PERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The delay of slow host 198.19.3.N in ms.
pers_slow_ms() { echo $(( 100 + 800 * ($1 - 1) / 23 )); }

pers_host() {	# role address id mac: a host namespace on the scanner's segment
	local role=$1 addr=$2 id=$3 mac=$4 ns sw
	ns=$(lab_ns "$role") sw=$(lab_ns sw)
	ip netns add "$ns"
	ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv4.icmp_ratelimit=0 >/dev/null
	ip link add eth0 netns "$ns" address "$mac" type veth peer name "p$id" netns "$sw"
	ip -n "$sw" link set "p$id" master br0
	ip -n "$sw" link set "p$id" up
	printf '%s\n' "link set lo up" "addr add $addr/24 dev eth0" "addr add fd6c:6162:1::$id/64 dev eth0 nodad" \
		"link set eth0 up" | ip -n "$ns" -batch -
}

personas_up() {
	local ns rtr i ms hosts=""
	rtr=$(lab_ns rtr)
	pers_host win "$PERS_WIN4" 20 "$PERS_WIN_MAC"
	ip netns exec "$(lab_ns win)" nft -f - <<-EOF
	table inet p {
		chain input {
			type filter hook input priority 0; policy accept;
			meta l4proto icmp drop
			icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
			meta l4proto ipv6-icmp drop
			tcp dport 445 accept
			meta l4proto { tcp, udp } drop
		}
	}
	EOF
	ip netns exec "$(lab_ns win)" python3 "$PERS_DIR/persona.py" listen --port 445 --duration 3600 \
		</dev/null >/dev/null 2>&1 &
	pers_host arponly "$PERS_ARPONLY4" 21 "$PERS_ARPONLY_MAC"
	ip netns exec "$(lab_ns arponly)" nft -f - <<-EOF
	table inet p {
		chain input {
			type filter hook input priority 0; policy drop;
			icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
		}
	}
	EOF
	pers_host sleepy "$PERS_SLEEPY4" 22 "$PERS_SLEEPY_MAC"
	ns=$(lab_ns sleepy)
	ip netns exec "$ns" sysctl -q -w net.ipv4.icmp_echo_ignore_all=1 net.ipv4.conf.eth0.arp_ignore=8 >/dev/null
	ip netns exec "$ns" nft -f - <<-EOF
	table inet p {
		chain input {
			type filter hook input priority 0; policy accept;
			icmp type != echo-request drop
			meta l4proto { tcp, udp } drop
		}
	}
	EOF
	ip netns exec "$ns" python3 "$PERS_DIR/persona.py" delayed --arp eth0 \
		--hosts "$PERS_SLEEPY4=$PERS_SLEEPY_MS" --duration 3600 </dev/null >/dev/null 2>&1 &

	# Routed: namespace slow behind rtr.
	ns=$(lab_ns slow)
	ip netns add "$ns"
	ip netns exec "$ns" sysctl -q -w net.ipv4.icmp_echo_ignore_all=1 net.ipv4.icmp_ratelimit=0 >/dev/null
	ip link add sl0 netns "$rtr" type veth peer name sl0 netns "$ns"
	printf '%s\n' "addr add 198.19.253.1/30 dev sl0" "link set sl0 up" \
		"route add $PERS_SLOW_NET4 via 198.19.253.2" | ip -n "$rtr" -batch -
	{
		echo "link set lo up"
		echo "addr add 198.19.253.2/30 dev sl0"
		echo "link set sl0 up"
		echo "route add default via 198.19.253.1"
		for i in $PERS_SLOW_LIVE $PERS_RWIN4; do echo "addr add $i/32 dev lo"; done
	} | ip -n "$ns" -batch -
	ip netns exec "$ns" nft -f - <<-EOF
	table inet p {
		chain input {
			type filter hook input priority 0; policy accept;
			ip daddr { ${PERS_RWIN4// /, } } tcp dport 445 accept
			ip daddr { ${PERS_RWIN4// /, } } meta l4proto icmp drop
			icmp type != echo-request drop
			meta l4proto { tcp, udp } drop
		}
	}
	EOF
	ip netns exec "$ns" python3 "$PERS_DIR/persona.py" listen --port 445 --duration 3600 \
		</dev/null >/dev/null 2>&1 &
	for i in $(seq 1 24); do hosts="$hosts 198.19.3.$i=$(pers_slow_ms "$i")"; done
	# shellcheck disable=SC2086
	ip netns exec "$ns" python3 "$PERS_DIR/persona.py" delayed --hosts $hosts --duration 3600 \
		</dev/null >/dev/null 2>&1 &
	# Wait for the listeners and responders.
	for i in $(seq 1 100); do
		if ip netns exec "$(lab_ns win)" ss -Hltn "sport = :445" | grep -q . &&
		   ip netns exec "$ns" ss -Hltn "sport = :445" | grep -q . &&
		   [ "$(ip netns pids "$ns" | wc -l)" -ge 2 ] && [ "$(ip netns pids "$(lab_ns sleepy)" | wc -l)" -ge 1 ]; then
			sleep 0.3	# python opening its sockets
			return 0
		fi
		sleep 0.02
	done
	echo "personas.sh: responders did not start" >&2
	return 1
}

personas_down() {
	local role ns pids
	for role in $PERS_ROLES; do
		ns=$(lab_ns "$role")
		ip netns list 2>/dev/null | grep -qw -- "^$ns" || continue
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		# shellcheck disable=SC2086
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null || true
	done
	return 0
}
