import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { Authenticated, CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { StrictInput } from '../../core/errors/validation';
import { SSH_KEY_TYPES } from './ssh-public-key';
import type { SshKeyRecord } from './ssh-keys.repository';
import { SshKeysService } from './ssh-keys.service';

@StrictInput()
export class AddSshKeyDto {
  @ApiProperty({ example: 'My Laptop' }) @IsString() @MinLength(1) @MaxLength(100) title: string;
  @ApiProperty({ example: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB... user@host', description: `One OpenSSH public key line: ${SSH_KEY_TYPES.join(', ')}` })
  @IsString()
  @MaxLength(16384)
  key: string;
}

export class SshKeyDto {
  @ApiProperty({ example: 42 }) id: number;
  @ApiProperty({ example: 'My Laptop' }) title: string;
  @ApiProperty({ enum: SSH_KEY_TYPES }) key_type: string;
  @ApiProperty({ example: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB...' }) key: string;
  @ApiProperty({ example: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU' }) fingerprint: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Hangar has no SSH server yet: always null' }) last_used: string | null;
}

export class DeletedDto {
  @ApiProperty({ example: true }) success: boolean;
}

/** SSH public keys of the caller. Hangar runs no SSH server (yet): the keys are kept, not used. */
@ApiTags('ssh-keys')
@ApiErrorResponses(400, 404)
@Controller('api/user/keys')
export class SshKeysController {
  constructor(private readonly keys: SshKeysService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Your SSH public keys' })
  @ApiOkResponse({ type: [SshKeyDto] })
  async listSshKeys(@CurrentPrincipal() principal: Principal): Promise<SshKeyDto[]> {
    return (await this.keys.list(principal.user.id)).map(toDto);
  }

  @Post()
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: 'Add an SSH public key (refused when any account has it: 409 SshKeyExists)' })
  @ApiOkResponse({ type: SshKeyDto })
  @ApiErrorResponses(409)
  async addSshKey(@CurrentPrincipal() principal: Principal, @Body() body: AddSshKeyDto): Promise<SshKeyDto> {
    return toDto(await this.keys.add(principal.user.id, body.title, body.key));
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ summary: 'One of your SSH public keys' })
  @ApiOkResponse({ type: SshKeyDto })
  async getSshKey(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<SshKeyDto> {
    return toDto(await this.keys.get(principal.user.id, id));
  }

  @Delete(':id')
  @Authenticated('write')
  @ApiOperation({ summary: 'Remove one of your SSH public keys' })
  @ApiOkResponse({ type: DeletedDto })
  async deleteSshKey(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DeletedDto> {
    await this.keys.delete(principal.user.id, id);
    return { success: true };
  }
}

function toDto(k: SshKeyRecord): SshKeyDto {
  return { id: k.id, title: k.title, key_type: k.keyType, key: k.publicKey, fingerprint: k.fingerprint, created_at: new Date(k.createdAt).toISOString(), last_used: k.lastUsed ? new Date(k.lastUsed).toISOString() : null };
}
