/**
 * The Pod Security Standards checks, ported from k8s.io/pod-security-admission/policy/check_*.go.
 * Each check function returns undefined when the pod is allowed, otherwise the upstream
 * ForbiddenReason / ForbiddenDetail plus the locations of the offending fields.
 */
import type { ContainerRef, PodContext, PssLocation } from './context';
import {
  bool, get, goQuote, int, joinQuote, objField, pluralize, sortedSet, str, stringList, structList, Obj, Path,
} from './util';

export interface CheckOutcome {
  reason: string;
  detail: string;
  locations: PssLocation[];
}

export type CheckFn = (ctx: PodContext) => CheckOutcome | undefined;

function fail(reason: string, detail: string, locations: PssLocation[]): CheckOutcome {
  return { reason, detail, locations };
}

function containersPhrase(names: string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

const SC = 'securityContext';

// ---------------------------------------------------------------------------------------------
// privileged (baseline, v1.0)

export const privileged_1_0: CheckFn = (ctx) => {
  const bad: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    if (bool(get(c.sc, 'privileged')) === true) {
      bad.push(c.name);
      locs.push({ path: [...c.path, SC, 'privileged'], message: `${c.label} sets securityContext.privileged=true` });
    }
  }
  if (bad.length === 0) return undefined;
  return fail('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`, locs);
};

// ---------------------------------------------------------------------------------------------
// hostNamespaces (baseline, v1.0)

export const hostNamespaces_1_0: CheckFn = (ctx) => {
  const found: string[] = [];
  const locs: PssLocation[] = [];
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (bool(get(ctx.spec, f)) === true) {
      found.push(`${f}=true`);
      locs.push({ path: ['spec', f], message: `pod sets ${f}=true` });
    }
  }
  if (found.length === 0) return undefined;
  return fail('host namespaces', found.join(', '), locs);
};

// ---------------------------------------------------------------------------------------------
// volumes

function volumes(ctx: PodContext): { v: Obj; index: number; name: string }[] {
  return structList(get(ctx.spec, 'volumes')).map(({ item, index }) => ({
    v: item,
    index,
    name: str(get(item, 'name')) ?? '',
  }));
}

function volumeSourceSet(v: Obj, key: string): boolean {
  return objField(v, key) !== undefined;
}

export const hostPathVolumes_1_0: CheckFn = (ctx) => {
  const bad: string[] = [];
  const locs: PssLocation[] = [];
  for (const { v, index, name } of volumes(ctx)) {
    if (volumeSourceSet(v, 'hostPath')) {
      bad.push(name);
      locs.push({ path: ['spec', 'volumes', index, 'hostPath'], message: `volume "${name}" uses hostPath` });
    }
  }
  if (bad.length === 0) return undefined;
  return fail('hostPath volumes', `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}`, locs);
};

const ALLOWED_VOLUME_SOURCES = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
];

/** In upstream switch order. */
const RESTRICTED_VOLUME_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume',
  'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'storageos',
];

export const restrictedVolumes_1_0: CheckFn = (ctx) => {
  const bad: string[] = [];
  const badTypes: string[] = [];
  const locs: PssLocation[] = [];
  for (const { v, index, name } of volumes(ctx)) {
    if (ALLOWED_VOLUME_SOURCES.some((k) => volumeSourceSet(v, k))) continue;
    const type = RESTRICTED_VOLUME_SOURCES.find((k) => volumeSourceSet(v, k));
    if (type === undefined) {
      // No volume source at all: the API server defaults such a volume to emptyDir (SetDefaults_Volume)
      // before admission, so upstream's "unknown" branch is never reached for a real request.
      continue;
    }
    bad.push(name);
    badTypes.push(type);
    locs.push({ path: ['spec', 'volumes', index, type], message: `volume "${name}" uses restricted volume type "${type}"` });
  }
  if (bad.length === 0) return undefined;
  const types = sortedSet(badTypes);
  return fail(
    'restricted volume types',
    `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ` +
      `${pluralize('restricted volume type', 'restricted volume types', types.length)} ${joinQuote(types)}`,
    locs,
  );
};

// ---------------------------------------------------------------------------------------------
// hostPorts (baseline, v1.0)

export const hostPorts_1_0: CheckFn = (ctx) => {
  const bad: string[] = [];
  const ports: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    let valid = true;
    for (const { item, index } of structList(get(c.c, 'ports'))) {
      const hp = int(get(item, 'hostPort'));
      if (hp !== undefined && hp !== 0) {
        valid = false;
        ports.push(String(hp));
        locs.push({ path: [...c.path, 'ports', index, 'hostPort'], message: `${c.label} uses hostPort ${hp}` });
      }
    }
    if (!valid) bad.push(c.name);
  }
  if (bad.length === 0) return undefined;
  const list = sortedSet(ports);
  return fail(
    'hostPort',
    `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
    locs,
  );
};

// ---------------------------------------------------------------------------------------------
// capabilities

const CAPABILITIES_ALLOWED_1_0 = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

export const capabilitiesBaseline_1_0: CheckFn = (ctx) => {
  const bad: string[] = [];
  const caps: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    const capObj = objField(c.sc, 'capabilities');
    if (!capObj) continue;
    let valid = true;
    for (const { value, index } of stringList(get(capObj, 'add'))) {
      if (!CAPABILITIES_ALLOWED_1_0.has(value)) {
        valid = false;
        caps.push(value);
        locs.push({
          path: [...c.path, SC, 'capabilities', 'add', index],
          message: `${c.label} adds non-default capability "${value}"`,
        });
      }
    }
    if (!valid) bad.push(c.name);
  }
  if (bad.length === 0) return undefined;
  return fail(
    'non-default capabilities',
    `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
    locs,
  );
};

export const capabilitiesRestricted_1_22: CheckFn = (ctx) => {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbidden: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    const capObj = objField(c.sc, 'capabilities');
    const dropPath: Path = [...c.path, SC, 'capabilities', 'drop'];
    if (!capObj) {
      missingDropAll.push(c.name);
      locs.push({ path: dropPath, missing: true, message: `${c.label} must set securityContext.capabilities.drop=["ALL"]` });
      continue;
    }
    const drop = get(capObj, 'drop');
    if (!stringList(drop).some(({ value }) => value === 'ALL')) {
      missingDropAll.push(c.name);
      const present = Array.isArray(drop);
      locs.push({
        path: dropPath,
        ...(present ? {} : { missing: true }),
        message: present
          ? `${c.label} must include "ALL" in securityContext.capabilities.drop`
          : `${c.label} must set securityContext.capabilities.drop=["ALL"]`,
      });
    }
    let addedForbidden = false;
    for (const { value, index } of stringList(get(capObj, 'add'))) {
      if (value !== 'NET_BIND_SERVICE') {
        addedForbidden = true;
        forbidden.push(value);
        locs.push({
          path: [...c.path, SC, 'capabilities', 'add', index],
          message: `${c.label} adds capability "${value}" (only NET_BIND_SERVICE may be added)`,
        });
      }
    }
    if (addedForbidden) addingForbidden.push(c.name);
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) {
    details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (addingForbidden.length > 0) {
    details.push(
      `${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`,
    );
  }
  if (details.length === 0) return undefined;
  // Order locations by container then field, as they were collected.
  return fail('unrestricted capabilities', details.join('; '), locs);
};

export const capabilitiesRestricted_1_25: CheckFn = (ctx) => (ctx.windows ? undefined : capabilitiesRestricted_1_22(ctx));

// ---------------------------------------------------------------------------------------------
// seccomp

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validSeccompType(t: string): boolean {
  return t === 'Localhost' || t === 'RuntimeDefault';
}

function validSeccompAnnotationValue(v: string): boolean {
  return v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
}

export const seccompProfileBaseline_1_0: CheckFn = (ctx) => {
  const forbidden: string[] = [];
  const locs: PssLocation[] = [];
  const seen = new Set<string>();
  const consider = (key: string) => {
    if (!ctx.annotations.has(key)) return;
    const val = ctx.annotations.get(key) ?? '';
    if (validSeccompAnnotationValue(val)) return;
    forbidden.push(`${key}=${goQuote(val)}`);
    if (!seen.has(key)) {
      seen.add(key);
      locs.push({ path: ['metadata', 'annotations', key], message: `annotation ${key}=${goQuote(val)} sets a forbidden seccomp profile` });
    }
  };
  consider(SECCOMP_POD_ANNOTATION);
  for (const c of ctx.containers) consider(SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name);
  if (forbidden.length === 0) return undefined;
  const list = sortedSet(forbidden);
  return fail('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`, locs);
};

interface ExplicitResult {
  badSetters: string[];
  badValues: string[];
  locs: PssLocation[];
}

/** Shared by the seccomp and appArmor field checks: pod and containers that explicitly set a bad profile type. */
function explicitProfileType(
  ctx: PodContext,
  field: 'seccompProfile' | 'appArmorProfile',
  valid: (t: string) => boolean,
  what: string,
): ExplicitResult & { podSet: 'unset' | 'valid' | 'invalid'; containerSet: boolean[] } {
  const badSetters: string[] = [];
  const badValues: string[] = [];
  const locs: PssLocation[] = [];
  let podSet: 'unset' | 'valid' | 'invalid' = 'unset';
  const podProfile = objField(ctx.podSC, field);
  if (podProfile) {
    const rawType = str(get(podProfile, 'type'));
    const t = rawType ?? '';
    if (!valid(t)) {
      podSet = 'invalid';
      badSetters.push('pod');
      badValues.push(t);
      locs.push({
        path: ['spec', SC, field, 'type'],
        ...(rawType === undefined ? { missing: true } : {}),
        message: `pod sets ${what} type to "${t}"`,
      });
    } else {
      podSet = 'valid';
    }
  }
  const badContainers: string[] = [];
  const containerSet: boolean[] = [];
  for (const c of ctx.containers) {
    const profile = objField(c.sc, field);
    containerSet.push(profile !== undefined);
    if (!profile) continue;
    const rawType = str(get(profile, 'type'));
    const t = rawType ?? '';
    if (!valid(t)) {
      badContainers.push(c.name);
      badValues.push(t);
      locs.push({
        path: [...c.path, SC, field, 'type'],
        ...(rawType === undefined ? { missing: true } : {}),
        message: `${c.label} sets ${what} type to "${t}"`,
      });
    }
  }
  if (badContainers.length > 0) badSetters.push(containersPhrase(badContainers));
  return { badSetters, badValues, locs, podSet, containerSet };
}

export const seccompProfileBaseline_1_19: CheckFn = (ctx) => {
  const r = explicitProfileType(ctx, 'seccompProfile', validSeccompType, 'seccomp profile');
  if (r.badSetters.length === 0) return undefined;
  return fail(
    'seccompProfile',
    `${r.badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(r.badValues))}`,
    r.locs,
  );
};

/**
 * Locations for containers that did not set a field that the pod level may also satisfy
 * (runAsNonRoot, seccompProfile). When the pod-level field is unset and no container sets the
 * field itself, a single pod-level location is suggested; otherwise one location per container.
 */
function implicitLocations(
  ctx: PodContext,
  implicit: ContainerRef[],
  anyContainerSet: boolean,
  podFieldUnset: boolean,
  podPath: Path,
  containerField: string,
  requirement: string,
): PssLocation[] {
  if (implicit.length === 0) return [];
  if (podFieldUnset && !anyContainerSet) {
    return [{
      path: podPath,
      missing: true,
      message: `pod or ${containersPhrase(implicit.map((c) => c.name))} must set ${requirement}`,
    }];
  }
  return implicit.map((c) => ({
    path: [...c.path, SC, containerField],
    missing: true,
    message: `${c.label} must set ${requirement}${podFieldUnset ? ' (or set it at pod level)' : ''}`,
  }));
}

export const seccompProfileRestricted_1_19: CheckFn = (ctx) => {
  const r = explicitProfileType(ctx, 'seccompProfile', validSeccompType, 'seccomp profile');
  const implicit: ContainerRef[] = [];
  if (r.podSet !== 'valid') {
    ctx.containers.forEach((c, i) => {
      if (!r.containerSet[i]) implicit.push(c);
    });
  }
  const requirement = 'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"';
  const implicitLocs = r.podSet === 'unset'
    ? implicitLocations(ctx, implicit, r.containerSet.some((x) => x), true, ['spec', SC, 'seccompProfile'], 'seccompProfile', requirement)
    : [];
  if (r.badSetters.length > 0) {
    return fail(
      'seccompProfile',
      `${r.badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(r.badValues))}`,
      [...r.locs, ...implicitLocs],
    );
  }
  if (implicit.length > 0) {
    return fail(
      'seccompProfile',
      `pod or ${containersPhrase(implicit.map((c) => c.name))} must set ${requirement}`,
      implicitLocs,
    );
  }
  return undefined;
};

export const seccompProfileRestricted_1_25: CheckFn = (ctx) => (ctx.windows ? undefined : seccompProfileRestricted_1_19(ctx));

// ---------------------------------------------------------------------------------------------
// runAsNonRoot (restricted, v1.0; user-namespace relaxation v1.35)

export const runAsNonRoot_1_0: CheckFn = (ctx) => {
  const badSetters: string[] = [];
  const locs: PssLocation[] = [];
  const podValue = bool(get(ctx.podSC, 'runAsNonRoot'));
  if (podValue === false) {
    badSetters.push('pod');
    locs.push({ path: ['spec', SC, 'runAsNonRoot'], message: 'pod sets securityContext.runAsNonRoot=false' });
  }
  const explicitlyBad: string[] = [];
  const implicit: ContainerRef[] = [];
  let anyContainerSet = false;
  for (const c of ctx.containers) {
    const v = bool(get(c.sc, 'runAsNonRoot'));
    if (v !== undefined) {
      anyContainerSet = true;
      if (!v) {
        explicitlyBad.push(c.name);
        locs.push({ path: [...c.path, SC, 'runAsNonRoot'], message: `${c.label} sets securityContext.runAsNonRoot=false` });
      }
    } else if (podValue !== true) {
      implicit.push(c);
    }
  }
  const requirement = 'securityContext.runAsNonRoot=true';
  // With pod-level runAsNonRoot=false the pod location already covers the implicit containers.
  const implicitLocs = podValue === undefined
    ? implicitLocations(ctx, implicit, anyContainerSet, true, ['spec', SC, 'runAsNonRoot'], 'runAsNonRoot', requirement)
    : [];
  if (explicitlyBad.length > 0) badSetters.push(containersPhrase(explicitlyBad));
  if (badSetters.length > 0) {
    return fail('runAsNonRoot != true', `${badSetters.join(' and ')} must not set securityContext.runAsNonRoot=false`, [
      ...locs,
      ...implicitLocs,
    ]);
  }
  if (implicit.length > 0) {
    return fail(
      'runAsNonRoot != true',
      `pod or ${containersPhrase(implicit.map((c) => c.name))} must set ${requirement}`,
      implicitLocs,
    );
  }
  return undefined;
};

export const runAsNonRoot_1_35: CheckFn = (ctx) => (ctx.userNamespace ? undefined : runAsNonRoot_1_0(ctx));

// ---------------------------------------------------------------------------------------------
// runAsUser (restricted, v1.23; user-namespace relaxation v1.35)

export const runAsUser_1_23: CheckFn = (ctx) => {
  const badSetters: string[] = [];
  const locs: PssLocation[] = [];
  if (int(get(ctx.podSC, 'runAsUser')) === 0) {
    badSetters.push('pod');
    locs.push({ path: ['spec', SC, 'runAsUser'], message: 'pod sets securityContext.runAsUser=0' });
  }
  const bad: string[] = [];
  for (const c of ctx.containers) {
    if (int(get(c.sc, 'runAsUser')) === 0) {
      bad.push(c.name);
      locs.push({ path: [...c.path, SC, 'runAsUser'], message: `${c.label} sets securityContext.runAsUser=0` });
    }
  }
  if (bad.length > 0) badSetters.push(containersPhrase(bad));
  if (badSetters.length === 0) return undefined;
  return fail('runAsUser=0', `${badSetters.join(' and ')} must not set runAsUser=0`, locs);
};

export const runAsUser_1_35: CheckFn = (ctx) => (ctx.userNamespace ? undefined : runAsUser_1_23(ctx));

// ---------------------------------------------------------------------------------------------
// allowPrivilegeEscalation (restricted, v1.8; windows exemption v1.25)

export const allowPrivilegeEscalation_1_8: CheckFn = (ctx) => {
  const bad: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    const v = bool(get(c.sc, 'allowPrivilegeEscalation'));
    if (v === false) continue;
    bad.push(c.name);
    const path = [...c.path, SC, 'allowPrivilegeEscalation'];
    if (v === undefined) {
      locs.push({ path, missing: true, message: `${c.label} must set securityContext.allowPrivilegeEscalation=false` });
    } else {
      locs.push({ path, message: `${c.label} sets securityContext.allowPrivilegeEscalation=true` });
    }
  }
  if (bad.length === 0) return undefined;
  return fail(
    'allowPrivilegeEscalation != false',
    `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
    locs,
  );
};

export const allowPrivilegeEscalation_1_25: CheckFn = (ctx) =>
  ctx.windows ? undefined : allowPrivilegeEscalation_1_8(ctx);

// ---------------------------------------------------------------------------------------------
// appArmorProfile (baseline, v1.0)

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAppArmorAnnotationValue(v: string): boolean {
  return v.length === 0 || v === 'runtime/default' || v.startsWith('localhost/');
}

function allowedAppArmorType(t: string): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

export const appArmorProfile_1_0: CheckFn = (ctx) => {
  const r = explicitProfileType(ctx, 'appArmorProfile', allowedAppArmorType, 'AppArmor profile');
  const forbiddenAnnotations: string[] = [];
  const locs = [...r.locs];
  for (const [k, v] of ctx.annotations) {
    if (k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAppArmorAnnotationValue(v)) {
      forbiddenAnnotations.push(`${k}=${goQuote(v)}`);
      locs.push({ path: ['metadata', 'annotations', k], message: `annotation ${k}=${goQuote(v)} sets a forbidden AppArmor profile` });
    }
  }
  const badSetters = [...r.badSetters];
  const badValueList = sortedSet(r.badValues);
  if (forbiddenAnnotations.length > 0) {
    // sort.Strings without dedup
    forbiddenAnnotations.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    badValueList.push(...forbiddenAnnotations);
    badSetters.push(pluralize('annotation', 'annotations', forbiddenAnnotations.length));
  }
  if (badSetters.length === 0) return undefined;
  return fail(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValueList.length),
    `${badSetters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValueList)}`,
    locs,
  );
};

// ---------------------------------------------------------------------------------------------
// seLinuxOptions (baseline, v1.0; container_engine_t allowed from v1.31)

const SELINUX_TYPES_1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SELINUX_TYPES_1_31 = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

function seLinuxOptions(ctx: PodContext, allowedTypes: Set<string>): CheckOutcome | undefined {
  const badSetters: string[] = [];
  const badTypes: string[] = [];
  let setUser = false;
  let setRole = false;
  const locs: PssLocation[] = [];

  const validate = (opts: Obj, base: Path, who: string): boolean => {
    let valid = true;
    const t = str(get(opts, 'type')) ?? '';
    if (!allowedTypes.has(t)) {
      valid = false;
      badTypes.push(t);
      locs.push({ path: [...base, 'type'], message: `${who} sets forbidden seLinuxOptions.type "${t}"` });
    }
    const user = str(get(opts, 'user')) ?? '';
    if (user.length > 0) {
      valid = false;
      setUser = true;
      locs.push({ path: [...base, 'user'], message: `${who} must not set seLinuxOptions.user` });
    }
    const role = str(get(opts, 'role')) ?? '';
    if (role.length > 0) {
      valid = false;
      setRole = true;
      locs.push({ path: [...base, 'role'], message: `${who} must not set seLinuxOptions.role` });
    }
    return valid;
  };

  const podOpts = objField(ctx.podSC, 'seLinuxOptions');
  if (podOpts && !validate(podOpts, ['spec', SC, 'seLinuxOptions'], 'pod')) badSetters.push('pod');
  const bad: string[] = [];
  for (const c of ctx.containers) {
    const opts = objField(c.sc, 'seLinuxOptions');
    if (opts && !validate(opts, [...c.path, SC, 'seLinuxOptions'], c.label)) bad.push(c.name);
  }
  if (bad.length > 0) badSetters.push(containersPhrase(bad));
  if (badSetters.length === 0) return undefined;
  const data: string[] = [];
  const types = sortedSet(badTypes);
  if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
  if (setUser) data.push('user may not be set');
  if (setRole) data.push('role may not be set');
  return fail(
    'seLinuxOptions',
    `${badSetters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
    locs,
  );
}

export const seLinuxOptions_1_0: CheckFn = (ctx) => seLinuxOptions(ctx, SELINUX_TYPES_1_0);
export const seLinuxOptions_1_31: CheckFn = (ctx) => seLinuxOptions(ctx, SELINUX_TYPES_1_31);

// ---------------------------------------------------------------------------------------------
// procMount (baseline v1.0, relaxed for user namespaces v1.35; restricted v1.35 = unconditional)

export const procMount_1_0: CheckFn = (ctx) => {
  const bad: string[] = [];
  const types: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    const pm = str(get(c.sc, 'procMount'));
    if (pm === undefined || pm === 'Default') continue;
    bad.push(c.name);
    types.push(pm);
    locs.push({ path: [...c.path, SC, 'procMount'], message: `${c.label} sets securityContext.procMount to "${pm}"` });
  }
  if (bad.length === 0) return undefined;
  return fail(
    'procMount',
    `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
    locs,
  );
};

export const procMount_1_35_baseline: CheckFn = (ctx) => (ctx.userNamespace ? undefined : procMount_1_0(ctx));

// ---------------------------------------------------------------------------------------------
// sysctls (baseline; allowed set grows at v1.27, v1.29, v1.32, v1.37)

export const SYSCTLS_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
export const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
export const SYSCTLS_1_29 = [
  ...SYSCTLS_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
export const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
export const SYSCTLS_1_37 = [...SYSCTLS_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function sysctls(allowedList: string[]): CheckFn {
  const allowed = new Set(allowedList);
  return (ctx) => {
    const forbidden: string[] = [];
    const locs: PssLocation[] = [];
    for (const { item, index } of structList(get(ctx.podSC, 'sysctls'))) {
      const raw = str(get(item, 'name'));
      const name = raw ?? '';
      if (allowed.has(name)) continue;
      forbidden.push(name);
      locs.push({
        path: ['spec', SC, 'sysctls', index, 'name'],
        ...(raw === undefined ? { missing: true } : {}),
        message: `pod sets forbidden sysctl "${name}"`,
      });
    }
    if (forbidden.length === 0) return undefined;
    return fail('forbidden sysctls', forbidden.join(', '), locs);
  };
}

export const sysctls_1_0 = sysctls(SYSCTLS_1_0);
export const sysctls_1_27 = sysctls(SYSCTLS_1_27);
export const sysctls_1_29 = sysctls(SYSCTLS_1_29);
export const sysctls_1_32 = sysctls(SYSCTLS_1_32);
export const sysctls_1_37 = sysctls(SYSCTLS_1_37);

// ---------------------------------------------------------------------------------------------
// windowsHostProcess (baseline, v1.0)

export const windowsHostProcess_1_0: CheckFn = (ctx) => {
  const bad: string[] = [];
  const locs: PssLocation[] = [];
  let podForbidden = false;
  if (bool(get(objField(ctx.podSC, 'windowsOptions'), 'hostProcess')) === true) {
    podForbidden = true;
    locs.push({ path: ['spec', SC, 'windowsOptions', 'hostProcess'], message: 'pod sets securityContext.windowsOptions.hostProcess=true' });
  }
  for (const c of ctx.containers) {
    if (bool(get(objField(c.sc, 'windowsOptions'), 'hostProcess')) === true) {
      bad.push(c.name);
      locs.push({
        path: [...c.path, SC, 'windowsOptions', 'hostProcess'],
        message: `${c.label} sets securityContext.windowsOptions.hostProcess=true`,
      });
    }
  }
  const setters: string[] = [];
  if (podForbidden) setters.push('pod');
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return undefined;
  return fail('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`, locs);
};

// ---------------------------------------------------------------------------------------------
// hostProbesAndHostLifecycle (baseline, v1.34)

const HANDLERS: readonly [parent: string | undefined, field: string][] = [
  [undefined, 'livenessProbe'], [undefined, 'readinessProbe'], [undefined, 'startupProbe'], ['lifecycle', 'postStart'], ['lifecycle', 'preStop'],
];

export const hostProbesAndHostLifecycle_1_34: CheckFn = (ctx) => {
  const badContainers: string[] = [];
  const hosts: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    const lifecycle = objField(c.c, 'lifecycle');
    // Probes, then lifecycle hooks; a handler's path is built only when it is set.
    for (let h = 0; h < HANDLERS.length; h++) {
      const [parent, field] = HANDLERS[h];
      const handler = objField(parent === undefined ? c.c : lifecycle, field);
      if (!handler) continue;
      const base: Path = parent === undefined ? [...c.path, field] : [...c.path, parent, field];
      for (const action of ['httpGet', 'tcpSocket']) {
        const host = str(get(objField(handler, action), 'host')) ?? '';
        if (host === '') continue;
        badContainers.push(c.name);
        hosts.push(host);
        const where = base.slice(3).join('.');
        locs.push({ path: [...base, action, 'host'], message: `${c.label} sets ${where}.${action}.host to "${host}"` });
      }
    }
  }
  if (badContainers.length === 0) return undefined;
  const names = sortedSet(badContainers);
  const hostList = sortedSet(hosts);
  return fail(
    'probe or lifecycle host',
    `${containersPhrase(names)} ${pluralize('uses', 'use', names.length)} ` +
      `${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hostList.length)} ${joinQuote(hostList)}`,
    locs,
  );
};
