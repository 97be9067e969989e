import { pssRule } from './spec';
import { setTo } from './fixes';
import type { PodContext, PssLocation } from '../../pss/context';
import { containersPhrase, fail, SC, CheckOutcome } from '../../pss/helpers';
import { bool, get, objField } from '../../pss/util';

export default pssRule({
  id: 'windows-host-process',
  level: 'baseline',
  title: 'Windows HostProcess container',
  check: {
    id: 'windowsHostProcess',
    title: 'Windows HostProcess pods and containers are forbidden',
    versions: [{ minor: 0, fn: windowsHostProcess_1_0 }],
  },
  docs: {
    summary: 'The pod or a container sets `windowsOptions.hostProcess: true`.',
    why: 'A Windows HostProcess container runs directly on the host, with host networking and file system: the Windows counterpart of a privileged container.',
    insecure: 'securityContext:\n  windowsOptions:\n    hostProcess: true',
    hardened: 'securityContext:\n  windowsOptions:\n    hostProcess: false',
  },
  fix: setTo('Set hostProcess: false', false),
});

// The check, ported from Pod Security Admission check_windowsHostProcess.go: v1.0.

function windowsHostProcess_1_0(ctx: PodContext): CheckOutcome | undefined {
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
}
