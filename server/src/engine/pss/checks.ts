/**
 * The Pod Security Standards checks, ported from k8s.io/pod-security-admission/policy/check_*.go: one row
 * per official check. Each check — id, level, title, every version of its check function, the checks it
 * overrides — is written in the rule unit that reports it (`rules/pss/<rule-id>.ts`, with the rule's
 * metadata, docs and fix); this is their list, in the rule registry's order. The helpers several checks
 * share are in `helpers.ts`.
 */
import privilegedContainer from '../rules/pss/privileged-container';
import hostNamespaces from '../rules/pss/host-namespaces';
import hostPathVolumes from '../rules/pss/host-path-volumes';
import hostPorts from '../rules/pss/host-ports';
import capabilitiesBaseline from '../rules/pss/capabilities-baseline';
import capabilitiesRestricted from '../rules/pss/capabilities-restricted';
import seccompUnconfined from '../rules/pss/seccomp-unconfined';
import seccompProfileMissing from '../rules/pss/seccomp-profile-missing';
import runAsNonRoot from '../rules/pss/run-as-non-root';
import runAsUserRoot from '../rules/pss/run-as-user-root';
import allowPrivilegeEscalation from '../rules/pss/allow-privilege-escalation';
import restrictedVolumeTypes from '../rules/pss/restricted-volume-types';
import apparmorUnconfined from '../rules/pss/apparmor-unconfined';
import selinuxOptions from '../rules/pss/selinux-options';
import procMount from '../rules/pss/proc-mount';
import procMountRestricted from '../rules/pss/proc-mount-restricted';
import unsafeSysctls from '../rules/pss/unsafe-sysctls';
import windowsHostProcess from '../rules/pss/windows-host-process';
import hostProbes from '../rules/pss/host-probes';

export const PSS_RULE_UNITS = [
  privilegedContainer,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  capabilitiesBaseline,
  capabilitiesRestricted,
  seccompUnconfined,
  seccompProfileMissing,
  runAsNonRoot,
  runAsUserRoot,
  allowPrivilegeEscalation,
  restrictedVolumeTypes,
  apparmorUnconfined,
  selinuxOptions,
  procMount,
  procMountRestricted,
  unsafeSysctls,
  windowsHostProcess,
  hostProbes,
] as const;

/** An official check id, as the rule units write them. */
export type PssCheckId = (typeof PSS_RULE_UNITS)[number]['check']['id'];
