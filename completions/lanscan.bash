# bash completion for lanscan
_lanscan()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-f|--file|--exclude-file|--ping-cmd)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--method)
		# a comma-separated list: complete the last element
		local pre=${cur%"${cur##*,}"}
		COMPREPLY=($(compgen -P "$pre" -W "auto icmp arp nd tcp neigh ping" -- "${cur##*,}")); return ;;
	--format)
		COMPREPLY=($(compgen -W "text json prom" -- "$cur")); return ;;
	--state|--prom-file)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-c|--count|-t|--timeout|--retries|-j|--jobs|--min-up|--exclude|--rate|--min-timeout|--max-timeout|--max-down|-p|--ports)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-a --alive -u --unreachable -c --count -t --timeout
			--retries -j --jobs -f --file --exclude --exclude-file --list --force
			-4 --ipv4 -6 --ipv6 --resolve-all --json --sort -r --rdns -s --summary
			-q --quiet --min-up --ping-cmd --method -p --ports --rate --min-timeout --max-timeout
			--max-down --state --format --prom-file --nagios --progress --no-progress
			-v --verbose -h --help -V --version" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -A hostname -- "$cur"))
}
complete -F _lanscan lanscan
