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
		COMPREPLY=($(compgen -W "table text tsv json prom html" -- "$cur")); return ;;
	-o|--output)
		# a comma-separated list of fields (+LIST adds to the default)
		local pre=${cur%"${cur##*,}"}
		COMPREPLY=($(compgen -P "$pre" -W "address target state rtt name via mac vendor dns mdns netbios workgroup kind model kind_from sent received loss rtt_min rtt_max names evidence error" -- "${cur##*,}")); return ;;
	--color|--colour)
		# optional argument: only in the --color=WHEN form (a word after a space is a target)
		$split && COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
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
			-K --identify -o --output --header --no-header --color --colour --show-down --no-names
			--verbose -h --help -V --version" -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	_known_hosts_real -- "$cur"
}
complete -F _lanscan lanscan
