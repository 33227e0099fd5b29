import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

@Injectable()
export class PasswordService {
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Spends the same work as a real check, so an unknown email is not faster to answer. */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('accord-timing-equaliser').catch((error: unknown) => {
      this.dummyHash = undefined; // try again next time rather than fail every later sign-in
      throw error;
    });
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
