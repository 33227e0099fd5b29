import { Transform, Type } from 'class-transformer';
import { IsArray, IsString, MinLength, ValidateNested, ValidationError } from 'class-validator';
import { AccordError } from '../errors/accord-error';
import { ErrorCode } from '../errors/error-codes';
import { flattenValidationErrors, validateDto, validationErrorFrom } from './validation';

// ---- DTOs used as test data --------------------------------------------------------

class ActionDto {
  @MinLength(3)
  @IsString()
  title!: string;
}

class PlanDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @MinLength(1, { message: 'name must not be empty' })
  @IsString()
  name!: string;

  @ValidateNested({ each: true })
  @Type(() => ActionDto)
  @IsArray()
  actions!: ActionDto[];
}

function aValidationError(
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
): ValidationError {
  return Object.assign(new ValidationError(), { property, constraints, children });
}

function validationFailure(fn: () => unknown): AccordError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AccordError) return error;
    throw error;
  }
  throw new Error('expected a VALIDATION error, but the value was accepted');
}

describe('flattenValidationErrors', () => {
  it('gives nested errors dotted paths and prefixes their messages with the path', () => {
    const errors = [
      aValidationError('name', { isString: 'name must be a string' }),
      aValidationError('actions', undefined, [
        aValidationError('1', undefined, [
          aValidationError('title', {
            minLength: 'title must be longer than or equal to 3 characters',
          }),
        ]),
      ]),
    ];

    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'name', message: 'name must be a string' },
      {
        field: 'actions.1.title',
        message: 'actions.1.title must be longer than or equal to 3 characters',
      },
    ]);
  });

  it('turns whitelist errors into "<field> is not an accepted field", at any depth', () => {
    const errors = [
      aValidationError('colour', { whitelistValidation: 'property colour should not exist' }),
      aValidationError('actions', undefined, [
        aValidationError('0', undefined, [
          aValidationError('owner', { whitelistValidation: 'property owner should not exist' }),
        ]),
      ]),
    ];

    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'colour', message: 'colour is not an accepted field' },
      { field: 'actions.0.owner', message: 'actions.0.owner is not an accepted field' },
    ]);
  });

  it('leaves a custom message that does not start with the property name as it is', () => {
    const errors = [
      aValidationError('plan', undefined, [
        aValidationError('country', {
          isISO31661Alpha2: 'Use an ISO 3166-1 alpha-2 code such as KE',
        }),
      ]),
    ];

    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'plan.country', message: 'Use an ISO 3166-1 alpha-2 code such as KE' },
    ]);
  });
});

describe('validationErrorFrom', () => {
  it('summarises every problem in the message and lists them as details', () => {
    const error = validationErrorFrom([
      aValidationError('name', { isString: 'name must be a string' }),
      aValidationError('extra', { whitelistValidation: 'property extra should not exist' }),
    ]);

    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.status).toBe(400);
    expect(error.message).toBe('name must be a string; extra is not an accepted field');
    expect(error.details).toEqual([
      { field: 'name', message: 'name must be a string' },
      { field: 'extra', message: 'extra is not an accepted field' },
    ]);
  });

  it('falls back to a generic message when there is nothing to say', () => {
    expect(validationErrorFrom([]).message).toBe('The request is not valid');
  });
});

describe('validateDto', () => {
  it('returns an instance of the DTO with its transforms applied', () => {
    const plan = validateDto(PlanDto, { name: '  Plan A ', actions: [{ title: 'Draft' }] });

    expect(plan).toBeInstanceOf(PlanDto);
    expect(plan.name).toBe('Plan A');
    expect(plan.actions[0]).toBeInstanceOf(ActionDto);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', '{"name":"Plan A"}'],
    ['a number', 42],
    ['a boolean', true],
    ['an empty array', []],
    ['an array of valid objects', [{ name: 'Plan A', actions: [] }]],
  ])('rejects %s with VALIDATION', (_label, value) => {
    const error = validationFailure(() => validateDto(PlanDto, value));

    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.message).toBe('The request body must be a JSON object');
  });

  it('reports a nested problem under its dotted path', () => {
    const error = validationFailure(() =>
      validateDto(PlanDto, { name: 'Plan A', actions: [{ title: 'Draft' }, { title: 'No' }] }),
    );

    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.details).toEqual([
      {
        field: 'actions.1.title',
        message: 'actions.1.title must be longer than or equal to 3 characters',
      },
    ]);
  });

  it('refuses unknown fields, top-level and nested, instead of dropping them', () => {
    const error = validationFailure(() =>
      validateDto(PlanDto, {
        name: 'Plan A',
        actions: [{ title: 'Draft', owner: 'x' }],
        colour: 'red',
      }),
    );

    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.details).toEqual(
      expect.arrayContaining([
        { field: 'colour', message: 'colour is not an accepted field' },
        { field: 'actions.0.owner', message: 'actions.0.owner is not an accepted field' },
      ]),
    );
    expect(error.details).toHaveLength(2);
  });
});
