#!/bin/sh
# Installs Dovecot's IMAP server for the channels/email tests (Debian/Ubuntu).
# The tests start their own throwaway instance; the system service is not
# needed, so it is not enabled or started here.
set -eu
if command -v dovecot >/dev/null 2>&1 && command -v doveadm >/dev/null 2>&1; then
	exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends dovecot-imapd
