# devices.sh -- a home of real devices for recognition (kind and model), added to a running lab (sourced; needs LAB_ID and layout.sh).
#
#   devices_up      after `lab.sh up`: builds everything below and waits until every responder
#                   answers (fails naming the laggards after $DEVICES_WAIT s, default 15).
#                   Runs devices_down first, so it also rebuilds a running device lab.
#   devices_down    before `lab.sh down`: stops every daemon it started (by pid), removes the namespaces
#   devices_hostile_up MODE [--mdns]   (re)starts hostile_devices.py --mode MODE in dhostile
#                   (198.19.1.50; created on first use): SSDP answers, a description on port 8080,
#                   with --mdns lying mDNS answers; see hostile_devices.py.  Waits until it listens.
#   devices_hostile_down   stops it (devices_down does too)
#   devices_probe ROLE SECONDS KIND,ADDR,ARG...  waits, from namespace ROLE, for answers:
#                   svc,ADDR,_x._tcp (a DNS-SD service list names it), ssdp,ADDR,TEXT (a multicast
#                   M-SEARCH out of eth0 gets an answer from ADDR whose LOCATION's description contains
#                   TEXT), nb,ADDR,NAME (NBSTAT lists NAME)
#
# Real responders, each in its own namespace on the scanner's segment (198.19.1.0/24, bridged in sw),
# with its files in /run/lanscan-lab/$LAB_ID/devices/ROLE:
#   address      role      what answers                                           expected kind / model
#   198.19.1.40  dprinter  avahi: _ipp._tcp (ty= product= usb_MFG= usb_MDL=),       printer / HP LaserJet Pro M404dn
#                          _pdl-datastream._tcp; TCP 631 and 9100 open; HP's OUI
#   198.19.1.41  dmac      avahi: _device-info._tcp model=MacBookAir10,1; Apple      computer / MacBookAir10,1
#   198.19.1.42  dcast     avahi: _googlecast._tcp md=Chromecast fn=Living Room;     media / Chromecast
#                          TCP 8009 open; Google's OUI
#   198.19.1.43  dpi       avahi: _workstation._tcp, _ssh._tcp; TCP 22 open;         computer / -
#                          Raspberry Pi Trading
#   198.19.1.44  ddlna     minidlna 1.3 (SSDP on 239.255.255.250:1900 only, HTTP     nas / LabNAS DLNA
#                          8200), MediaServer, model_name "LabNAS DLNA"; Synology
#   198.19.1.45  drouter   miniupnpd 2.3 (nftables), InternetGatewayDevice, HTTP     router / LabRouter AX1800
#                          on 5000, SSDP unicast and multicast; external interface
#                          wan0 (a veth to nothing); TP-Link's OUI
#   198.19.1.46  dwin      nmbd DESK-40 / LAB, TTL 128, TCP 445 open, echo          computer / -
#                          answered, other TCP/UDP dropped; Dell
#   198.19.1.47  dswitch   ARP and ICMP echo only (TCP/UDP dropped), TTL 255;        network / -
#                          Cisco's OUI
#   198.19.1.48  dphone    avahi: _companion-link._tcp; a locally administered MAC   phone / -
#   198.19.1.49  dnothing  echo only, TTL 64; a Wistron OUI (makes laptops and more)                            - / -
# IPv4 only.  Every namespace has the names lab's guard (output to anything outside the lab
# counted and dropped: nft list counter inet names_guard leak).
# DEVICES_TABLE: a line per device: address role kind model ("-": none; model spaces as '_').

# shellcheck source=names.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/names.sh"

# shellcheck disable=SC2034	# the variables are for the tests that source this
DEVICES_PRINTER_4=198.19.1.40  DEVICES_PRINTER_MAC=3c:d9:2b:00:00:40  DEVICES_PRINTER_MODEL="HP LaserJet Pro M404dn"
DEVICES_MAC_4=198.19.1.41      DEVICES_MAC_MAC=a4:83:e7:00:00:41      DEVICES_MAC_MODEL=MacBookAir10,1
DEVICES_CAST_4=198.19.1.42     DEVICES_CAST_MAC=54:60:09:00:00:42     DEVICES_CAST_MODEL=Chromecast
DEVICES_PI_4=198.19.1.43       DEVICES_PI_MAC=dc:a6:32:00:00:43
DEVICES_DLNA_4=198.19.1.44     DEVICES_DLNA_MAC=00:11:32:00:00:44     DEVICES_DLNA_MODEL="LabNAS DLNA"
DEVICES_ROUTER_4=198.19.1.45   DEVICES_ROUTER_MAC=50:c7:bf:00:00:45   DEVICES_ROUTER_MODEL="LabRouter AX1800"
DEVICES_WIN_4=198.19.1.46      DEVICES_WIN_MAC=98:e7:43:00:00:46      DEVICES_WIN_NB=DESK-40
DEVICES_SWITCH_4=198.19.1.47   DEVICES_SWITCH_MAC=00:00:0c:00:00:47
DEVICES_PHONE_4=198.19.1.48    DEVICES_PHONE_MAC=da:a1:19:00:00:48
DEVICES_NOTHING_4=198.19.1.49  DEVICES_NOTHING_MAC=3c:97:0e:00:00:49
DEVICES_ROUTER_HTTP=5000	# miniupnpd's HTTP port (its description: /rootDesc.xml)
DEVICES_DLNA_HTTP=8200		# minidlna's (/rootDesc.xml)
DEVICES_ALL4="198.19.1.40 198.19.1.41 198.19.1.42 198.19.1.43 198.19.1.44 198.19.1.45 198.19.1.46 198.19.1.47 198.19.1.48 198.19.1.49"
DEVICES_TABLE="198.19.1.40 dprinter printer HP_LaserJet_Pro_M404dn
198.19.1.41 dmac computer MacBookAir10,1
198.19.1.42 dcast media Chromecast
198.19.1.43 dpi computer -
198.19.1.44 ddlna nas LabNAS_DLNA
198.19.1.45 drouter router LabRouter_AX1800
198.19.1.46 dwin computer -
198.19.1.47 dswitch network -
198.19.1.48 dphone phone -
198.19.1.49 dnothing - -"
DEVICES_HOSTILE_4=198.19.1.50  DEVICES_HOSTILE_MAC=b8:27:eb:00:00:50  DEVICES_HOSTILE_HTTP=8080
DEVICES_ROLES="dprinter dmac dcast dpi ddlna drouter dwin dswitch dphone dnothing dhostile"
: "${DEVICES_WAIT:=15}"
DEVICES_LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

devices_run_dir() { printf '/run/lanscan-lab/%s/devices' "${LAB_ID:-0}"; }

# devices_host ROLE ADDR MAC ID TTL: a namespace on the scanner's segment, its initial TTL.
devices_host() {
	local role=$1 a4=$2 mac=$3 id=$4 ttl=$5 ns sw
	ns=$(lab_ns "$role") sw=$(lab_ns sw)
	ip netns add "$ns"
	names_ns_setup "$ns"
	ip netns exec "$ns" sysctl -q -w net.ipv4.ip_default_ttl="$ttl" >/dev/null
	ip link add eth0 netns "$ns" address "$mac" type veth peer name "p$id" netns "$sw"
	ip -n "$sw" link set "p$id" master br0
	ip -n "$sw" link set "p$id" up
	printf '%s\n' "link set lo up" "addr add $a4/24 dev eth0" "link set eth0 up" | ip -n "$ns" -batch -
}

# devices_only ROLE PORTS...: TCP input dropped except to PORTS, UDP except NetBIOS and mDNS; echo answered.
devices_only() {
	local role=$1 ports
	shift
	ports=$(printf '%s, ' "$@")
	ip netns exec "$(lab_ns "$role")" nft -f - <<-EOF
	table inet devices_fw {
		chain input {
			type filter hook input priority 0; policy accept;
			ct state established,related accept
			tcp dport { ${ports%, } } accept
			udp dport { 137, 138, 5353 } accept
			meta l4proto { tcp, udp } drop
		}
	}
	EOF
}

# devices_avahi ROLE HOST-NAME: avahi-daemon with the service files written to ROLE's services/.
devices_avahi() {
	local role=$1 name=$2 d
	d=$(devices_run_dir)/$role
	mkdir -p "$d/root/avahi-daemon" "$d/services"
	cat >"$d/root/avahi-daemon.conf" <<-EOF
	[server]
	host-name=$name
	domain-name=local
	use-ipv4=yes
	use-ipv6=no
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
	# Its own /run (pid file, socket) and its own /etc/avahi/services, bound in ip netns
	# exec's private mount namespace.
	# shellcheck disable=SC2016
	# (services first: /run hides the run dir once bound)
	ip netns exec "$(lab_ns "$role")" sh -c 'mount --bind "$1/services" /etc/avahi/services &&
		mount --bind "$1/root" /run &&
		exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f /run/avahi-daemon.conf' \
		sh "$d" </dev/null >"$d/avahi.log" 2>&1 3>&- &
	echo $! >"$d/avahi.pid"
}

# devices_service ROLE FILE TYPE PORT [TXT...]: one avahi service file.
devices_service() {
	local role=$1 file=$2 type=$3 port=$4 d t
	shift 4
	d=$(devices_run_dir)/$role/services
	mkdir -p "$d"
	{
		printf '<?xml version="1.0" standalone="no"?>\n'
		printf '<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n'
		printf '<service-group>\n  <name replace-wildcards="yes">%s</name>\n  <service>\n' "${DEVICES_NAME:-%h}"
		printf '    <type>%s</type>\n    <port>%s</port>\n' "$type" "$port"
		for t in "$@"; do printf '    <txt-record>%s</txt-record>\n' "$t"; done
		printf '  </service>\n</service-group>\n'
	} >"$d/$file.service"
}

# devices_listen ROLE PORT...: TCP listeners (persona.py listen), accepting and closing.
devices_listen() {
	local role=$1 p
	shift
	for p in "$@"; do
		ip netns exec "$(lab_ns "$role")" python3 "$NAMES_LAB_DIR/persona.py" listen --port "$p" --duration 3600 \
			</dev/null >/dev/null 2>&1 3>&- &
	done
}

devices_minidlna() {
	local d
	d=$(devices_run_dir)/ddlna
	mkdir -p "$d/media" "$d/db"
	printf 'lab\n' >"$d/media/readme.txt"
	cat >"$d/minidlna.conf" <<-EOF
	port=$DEVICES_DLNA_HTTP
	network_interface=eth0
	media_dir=$d/media
	db_dir=$d/db
	log_dir=$d
	friendly_name=Lab NAS
	model_name=$DEVICES_DLNA_MODEL
	model_number=1.0
	serial=44
	inotify=no
	notify_interval=60
	EOF
	ip netns exec "$(lab_ns ddlna)" minidlnad -d -f "$d/minidlna.conf" -P "$d/minidlna.pid" \
		</dev/null >"$d/minidlna.out" 2>&1 3>&- &
	echo $! >"$d/minidlna.pid.shell"
}

devices_miniupnpd() {
	local d ns
	d=$(devices_run_dir)/drouter ns=$(lab_ns drouter)
	mkdir -p "$d"
	# The external side: a veth whose peer stays down in the same namespace (nothing beyond it).
	ip -n "$ns" link add wan0 type veth peer name wan0p
	printf '%s\n' "addr add 198.18.45.1/30 dev wan0" "link set wan0 up" | ip -n "$ns" -batch -
	# The tables and chains it fills (its nft_init.sh, without the script's shared /tmp file).
	ip netns exec "$ns" nft -f - <<-EOF
	table inet filter {
		chain forward { type filter hook forward priority 0; policy drop; jump miniupnpd; }
		chain miniupnpd { }
		chain prerouting_miniupnpd { }
		chain postrouting_miniupnpd { }
		chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
		chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
	}
	EOF
	cat >"$d/miniupnpd.conf" <<-EOF
	ext_ifname=wan0
	listening_ip=eth0
	http_port=$DEVICES_ROUTER_HTTP
	enable_natpmp=no
	enable_upnp=yes
	secure_mode=yes
	system_uptime=yes
	notify_interval=60
	friendly_name=Lab Router
	manufacturer_name=LabNet
	model_name=$DEVICES_ROUTER_MODEL
	model_number=AX1800
	serial=45
	uuid=3c7a3bd8-2b4b-4d0c-9ac7-0000000d0045
	lease_file=$d/upnp.leases
	allow 1024-65535 198.19.1.0/24 1024-65535
	deny 0-65535 0.0.0.0/0 0-65535
	EOF
	ip netns exec "$ns" miniupnpd -d -f "$d/miniupnpd.conf" -P "$d/miniupnpd.pid" \
		</dev/null >"$d/miniupnpd.out" 2>&1 3>&- &
	echo $! >"$d/miniupnpd.pid.shell"
}

devices_up() {
	local sw d i ok=1
	sw=$(lab_ns sw)
	for i in avahi-daemon minidlnad miniupnpd nmbd nft python3; do
		command -v "$i" >/dev/null || { echo "devices.sh: missing '$i'" >&2; return 1; }
	done
	ip netns list | grep -qw -- "^$sw" || { echo "devices.sh: lab ${LAB_ID:-0} is not up" >&2; return 1; }
	devices_down
	d=$(devices_run_dir)
	mkdir -p "$d"

	devices_host dprinter "$DEVICES_PRINTER_4" "$DEVICES_PRINTER_MAC" 40 64
	devices_host dmac "$DEVICES_MAC_4" "$DEVICES_MAC_MAC" 41 64
	devices_host dcast "$DEVICES_CAST_4" "$DEVICES_CAST_MAC" 42 64
	devices_host dpi "$DEVICES_PI_4" "$DEVICES_PI_MAC" 43 64
	devices_host ddlna "$DEVICES_DLNA_4" "$DEVICES_DLNA_MAC" 44 64
	devices_host drouter "$DEVICES_ROUTER_4" "$DEVICES_ROUTER_MAC" 45 64
	devices_host dwin "$DEVICES_WIN_4" "$DEVICES_WIN_MAC" 46 128
	devices_host dswitch "$DEVICES_SWITCH_4" "$DEVICES_SWITCH_MAC" 47 255
	devices_host dphone "$DEVICES_PHONE_4" "$DEVICES_PHONE_MAC" 48 64
	devices_host dnothing "$DEVICES_NOTHING_4" "$DEVICES_NOTHING_MAC" 49 64

	# Printer: AirPrint-like TXT, under avahi's 512-byte unicast reply.
	DEVICES_NAME="$DEVICES_PRINTER_MODEL" devices_service dprinter ipp _ipp._tcp 631 txtvers=1 qtotal=1 \
		rp=ipp/print "ty=$DEVICES_PRINTER_MODEL" "product=($DEVICES_PRINTER_MODEL)" usb_MFG=HP \
		"usb_MDL=LaserJet Pro M404dn" pdl=application/pdf,image/urf Color=F Duplex=T \
		UUID=564e4333-3230-3730-3430-3cd92b000040
	DEVICES_NAME="$DEVICES_PRINTER_MODEL" devices_service dprinter pdl _pdl-datastream._tcp 9100 txtvers=1 \
		"ty=$DEVICES_PRINTER_MODEL"
	devices_listen dprinter 631 9100
	devices_only dprinter 631 9100
	devices_avahi dprinter hp-m404dn

	DEVICES_NAME="MacBook Air" devices_service dmac device-info _device-info._tcp 0 "model=$DEVICES_MAC_MODEL" osxvers=21
	devices_avahi dmac macbook-air

	DEVICES_NAME="Chromecast-4c1e7a" devices_service dcast googlecast _googlecast._tcp 8009 \
		id=4c1e7a0000000000000000000000042 cd=0000000000000000000000000000042 rm= ve=05 \
		"md=$DEVICES_CAST_MODEL" ic=/setup/icon.png "fn=Living Room" ca=201221 st=0 bs=FA8F00000042 nf=1 rs=
	devices_listen dcast 8009
	devices_avahi dcast chromecast-4c1e7a

	devices_service dpi workstation _workstation._tcp 9 ; devices_service dpi ssh _ssh._tcp 22
	devices_listen dpi 22
	devices_avahi dpi raspberrypi

	devices_minidlna
	devices_miniupnpd

	devices_only dwin 445
	devices_listen dwin 445
	names_nmbd_dir "$d" dwin "$DEVICES_WIN_NB" eth0

	ip netns exec "$(lab_ns dswitch)" nft -f - <<-EOF
	table inet devices_fw {
		chain input { type filter hook input priority 0; policy accept; meta l4proto { tcp, udp } drop; }
	}
	EOF

	DEVICES_NAME="Lab iPhone" devices_service dphone companion _companion-link._tcp 49152 rpMac=0 rpHN=8e3c3c14ea1d \
		rpFl=0x20000 rpHA=1a2b3c4d5e6f rpVr=360.4 rpAD=aa11bb22cc33 rpHI=0d0e0f101112 rpBA=DA:A1:19:00:00:48
	devices_avahi dphone lab-iphone

	# Wait until every responder answers, asked from dnothing (on-link: avahi answers only
	# on-link sources), so the scanner's neighbour cache stays cold.
	devices_write_probe "$d/probe.py"
	devices_probe dnothing "$DEVICES_WAIT" "svc,$DEVICES_PRINTER_4,_ipp._tcp" "svc,$DEVICES_MAC_4,_device-info._tcp" \
		"svc,$DEVICES_CAST_4,_googlecast._tcp" "svc,$DEVICES_PI_4,_workstation._tcp" \
		"svc,$DEVICES_PHONE_4,_companion-link._tcp" "ssdp,$DEVICES_DLNA_4,MediaServer" \
		"ssdp,$DEVICES_ROUTER_4,InternetGatewayDevice" "nb,$DEVICES_WIN_4,$DEVICES_WIN_NB" >"$d/probe.out" 2>&1 || ok=0
	if [ "$ok" = 0 ]; then
		echo "devices.sh: responders did not answer within ${DEVICES_WAIT}s: $(tr '\n' ' ' <"$d/probe.out")" >&2
		for i in "$d"/*/*.out "$d"/*/*.log "$d"/*/log.nmbd; do
			[ -s "$i" ] && tail -n 3 "$i" | sed "s|^|devices.sh: ${i#"$d"/}: |" >&2
		done
		return 1
	fi
	return 0
}

# names_nmbd with the device lab's run dir.
names_nmbd_dir() {
	local dir=$1
	shift
	# shellcheck disable=SC2317
	names_run_dir() { printf '%s' "$dir"; }
	names_nmbd "$@"
	unset -f names_run_dir
	names_run_dir() { printf '/run/lanscan-lab/%s/names' "${LAB_ID:-0}"; }
}

devices_down() {
	local role ns pids i
	for role in $DEVICES_ROLES; do
		ns=$(lab_ns "$role")
		if ip netns list 2>/dev/null | grep -qw -- "^$ns"; then
			# Only what runs in our namespaces: the daemons we started, by pid.
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
	rm -rf "$(devices_run_dir)"
	return 0
}

devices_hostile_up() {
	local mode=$1 d ns i
	shift
	d=$(devices_run_dir)/dhostile ns=$(lab_ns dhostile)
	devices_hostile_down
	mkdir -p "$d"
	ip netns list | grep -qw -- "^$ns" || devices_host dhostile "$DEVICES_HOSTILE_4" "$DEVICES_HOSTILE_MAC" 50 64
	ip netns exec "$ns" python3 "$DEVICES_LAB_DIR/hostile_devices.py" --addr "$DEVICES_HOSTILE_4" \
		--victim "$DEVICES_DLNA_4" --port "$DEVICES_HOSTILE_HTTP" --mode "$mode" --duration 600 "$@" \
		</dev/null >"$d/hostile.out" 2>&1 3>&- &
	echo $! >"$d/hostile.pid"
	for i in $(seq 1 100); do
		grep -q ready "$d/hostile.out" 2>/dev/null && return 0
		kill -0 "$(cat "$d/hostile.pid")" 2>/dev/null || break
		sleep 0.02
	done
	echo "devices.sh: hostile_devices.py did not start:" >&2
	cat "$d/hostile.out" >&2
	return 1
}

devices_hostile_down() {
	local f pid i
	f=$(devices_run_dir)/dhostile/hostile.pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	rm -f "$f"
	# Only if that pid is still our script (never a reused pid).
	if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "hostile_devices.py"; then
		kill -TERM "$pid" 2>/dev/null || true
		for i in 1 2 3 4 5 6 7 8 9 10; do
			case $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) in ''|Z) break;; esac
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	return 0
}

devices_probe() {
	local role=$1 secs=$2 f
	shift 2
	f=$(devices_run_dir)/probe.py
	[ -f "$f" ] || devices_write_probe "$f"
	timeout $((${secs%.*} + 5)) ip netns exec "$(lab_ns "$role")" python3 "$f" "$secs" "$@"
}

devices_write_probe() {
	mkdir -p "$(dirname "$1")"
	cp "$DEVICES_LAB_DIR/devices_probe.py" "$1"
}
