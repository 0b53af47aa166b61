import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { HfErrorDto } from './hf-error.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (X-Error-Code names the problem, e.g. ValidationError, InvalidName, ReservedName)',
  401: 'Missing or invalid credentials',
  403: 'Not allowed',
  404: 'Not found (X-Error-Code: UserNotFound, OrgNotFound, TokenNotFound, ...)',
  409: 'Conflict (X-Error-Code: NameTaken, EmailTaken, AlreadyMember, LastSuperAdmin)',
  410: 'Gone (X-Error-Code: InvitationDeleted, InvitationExpired, InvitationUsedUp)',
  503: 'The mail server did not accept the message (X-Error-Code: MailDeliveryFailed); nothing was changed',
};

/** Documents HF-shaped error answers: `{"error"}` plus X-Error-Code / X-Error-Message. */
export function ApiErrorResponses(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        type: HfErrorDto,
        headers: {
          'X-Error-Code': { description: 'Machine-readable error code', schema: { type: 'string' } },
          'X-Error-Message': { description: 'Human-readable message', schema: { type: 'string' } },
        },
      }),
    ),
  );
}
