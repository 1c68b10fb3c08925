# bash completion for lanscan
_lanscan()
{
	local cur prev words cword split
	_init_completion -s || return
	case $prev in
	-f|--file|--exclude-file|--state|--prom-file)
		_filedir; return ;;
	--ping-cmd)
		_filedir; return ;;
	-I|--interface|--iface)
		_available_interfaces; return ;;
	-S|--source|--src)
		return ;;
	--method)
		# a comma-separated list: complete the last element
		local pre=${cur%"${cur##*,}"}
		COMPREPLY=($(compgen -P "$pre" -W "auto icmp arp nd tcp neigh ping" -- "${cur##*,}")); return ;;
	--format)
		COMPREPLY=($(compgen -W "text json prom" -- "$cur")); return ;;
	--name-timeout|--lock-timeout|-c|--count|-t|--timeout|-r|--retries|-j|--jobs|-x|--min-up|--exclude|--rate|--min-timeout|--max-timeout|--max-down|--warning|--critical|-p|--ports)
		return ;;
	esac
	$split && return
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-a --alive -u --unreachable -c --count -t --timeout
			-r --retries -j --jobs -f --file -g --generate --exclude --exclude-file --list --force
			-4 --ipv4 -6 --ipv6 -m --resolve-all --json --sort -n -d --names --rdns --name-timeout -s --summary
			-q --quiet -x --min-up --ping-cmd -I --interface --iface -S --source --src -A -e --method -p --ports --rate --min-timeout --max-timeout
			--max-down --warning --critical --state --lock-timeout --format --prom-file --nagios --progress --no-progress
			--verbose -h --help -V --version" -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	_known_hosts_real -- "$cur"
}
complete -F _lanscan lanscan
