// The post step (runs.post, post-if: always()): brings the Compose stack down even when the main
// step failed or the run was cancelled, unless keep-stack asked to leave it up.
import * as core from '@actions/core'
import { composeDown } from './stack/compose.js'
import { loadStackState } from './stack/state.js'

export async function post(): Promise<void> {
  const state = loadStackState()
  if (!state) {
    core.info('profile-gate post: no stack was started by this job')
    return
  }
  if (state.keep) {
    core.notice(`profile-gate: keep-stack is true, leaving Compose project ${state.projectName} running`)
    return
  }
  const warning = await composeDown({ file: state.file, projectName: state.projectName, removeVolumes: true, timeoutSec: 120, log: (l) => core.info(l) })
  if (warning) core.warning(warning)
  else core.info(`profile-gate post: Compose project ${state.projectName} is down`)
}

await post()
