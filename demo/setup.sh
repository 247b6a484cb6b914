#!/bin/sh
# Populate a new node with the synthetic demo: the partners of the joint
# statement's cooperation, demo users, a collection and Exercise data.
# usage: demo/setup.sh CX NODE_DIR
set -eu
CX=$1
NODE=$2
HERE=$(dirname "$0")
PASSWORD=exercise-only-password

"$CX" init "$NODE" >/dev/null
cx() { "$CX" --node "$NODE" "$@"; }
while read -r code identity; do
	case $code in
	USA) name="United States (CJTF-OIR)" ;;
	IRQ) name="Iraq (Ministry of Defence)" ;;
	KRG) name="Kurdistan Region (Ministry of Peshmerga Affairs)" ;;
	GBR) name="United Kingdom (Coalition)" ;;
	FRA) name="France (Coalition)" ;;
	*) name=$code ;;
	esac
	cx partner add "$code" --name "$name" --identity "$identity" >/dev/null
done <"$HERE/partners.txt"
# This node is the one the USA runs.
sed -i 's/^# partner = USA$/partner = USA/' "$NODE/cx.ini"

adduser() { echo "$PASSWORD" | cx user add "$1" --partner "$2" --role "$3" --clearance "$4" --password-stdin >/dev/null; }
adduser usa.admin USA admin,contributor S
adduser usa.analyst USA contributor S
adduser irq.analyst IRQ contributor C
adduser krg.analyst KRG contributor R
adduser gbr.analyst GBR reader S
adduser fra.analyst FRA reader C

cx collection add --alias intel --title "Exercise intelligence" \
	--description "Synthetic demo intelligence (Exercise data)" >/dev/null
cx collection allow intel --partner '*' --role '*' --read >/dev/null
cx collection allow intel --partner '*' --role contributor --read-write >/dev/null
cx collection allow intel --partner '*' --role admin --read-write >/dev/null
cx import --quiet --collection intel "$HERE/intel.json" >/dev/null
echo "demo users (password '$PASSWORD'): usa.admin usa.analyst irq.analyst krg.analyst gbr.analyst fra.analyst"
