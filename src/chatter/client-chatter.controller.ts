import { Controller, Get, HttpCode, Post, SetMetadata } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AUTH_REQUIREMENT } from '../auth/auth.decorators';

export class AgentHarnessRegistryDto {
  @ApiProperty({ type: [String], example: [] }) standardEnvVars: string[];
  @ApiProperty({ type: Object, example: {} }) harnesses: Record<string, never>;
}

/**
 * Requests the clients make on their own, answered cheaply so that they neither fail nor fill
 * logs and metrics with 404s. The paths are in the request log's quiet list.
 */
@ApiTags('client chatter')
@Controller()
export class ClientChatterController {
  /**
   * The `hf` CLI (huggingface_hub ≥ 1.x) fetches this registry to detect AI agents and caches
   * it for a day. It must be an object: a list would make the client's `registry.get(...)`
   * raise outside its own error handling. An empty registry detects no agent.
   */
  @Get('api/agent-harnesses')
  @ApiOperation({ summary: 'The AI agent harness registry huggingface_hub reads: empty' })
  @ApiOkResponse({ type: AgentHarnessRegistryDto })
  agentHarnesses(): AgentHarnessRegistryDto {
    return { standardEnvVars: [], harnesses: {} };
  }

  /** hf_xet posts usage telemetry to its CAS endpoint; Hangar collects none. The body is not read. */
  @Post('v1/telemetry')
  @HttpCode(204)
  @SetMetadata(AUTH_REQUIREMENT, 'own') // hf_xet may send its CAS token, which is no Hangar credential
  @ApiOperation({ summary: 'hf_xet telemetry: accepted and dropped (204)' })
  @ApiNoContentResponse({ description: 'Accepted; nothing is kept' })
  telemetry(): void {}
}
