import { ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AccordError, FieldProblem } from '../errors/accord-error';

/** Flattens class-validator's tree into `{ field: 'actions.0.title', message }` entries. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      problems.push({ field, message: describeConstraint(field, error.property, message) });
    }
    if (error.children?.length) {
      problems.push(...flattenValidationErrors(error.children, field));
    }
  }
  return problems;
}

function describeConstraint(field: string, property: string, message: string): string {
  // class-validator words its whitelist error "property x should not exist"; say it plainly.
  if (message === `property ${property} should not exist`) {
    return `${field} is not an accepted field`;
  }
  // Messages start with the bare property name; give the full path for nested fields.
  return message.startsWith(`${property} `) && field !== property
    ? `${field}${message.slice(property.length)}`
    : message;
}

export function validationErrorFrom(errors: ValidationError[]): AccordError {
  const problems = flattenValidationErrors(errors);
  const summary = problems.map((p) => p.message).join('; ');
  return AccordError.validation(summary || 'The request is not valid', problems);
}

export const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
} as const;

/** The one validation pipe of Accord: unknown fields are refused, never silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATION_OPTIONS,
    exceptionFactory: (errors) => validationErrorFrom(errors),
  });
}

/**
 * Validates a plain value against a DTO class outside the pipe (guards run before pipes,
 * so a guard that reads the body validates it itself).
 */
export function validateDto<T extends object>(cls: new () => T, value: unknown): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw AccordError.validation('The request body must be a JSON object');
  }
  const instance = plainToInstance(cls, value);
  const errors = validateSync(instance, VALIDATION_OPTIONS);
  if (errors.length > 0) throw validationErrorFrom(errors);
  return instance;
}
