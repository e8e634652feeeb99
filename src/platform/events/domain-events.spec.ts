import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { DomainEvents, OnDomainEvent, type DomainEventMap } from './domain-events';

type Enabled = DomainEventMap['identity.account.enabled'];

@Injectable()
class SlowListener {
  readonly heard: string[] = [];

  @OnDomainEvent('identity.account.enabled')
  async enabled(event: Enabled): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.heard.push(event.accountId);
  }
}

@Injectable()
class FailingListener {
  @OnDomainEvent('identity.account.enabled')
  enabled(): void {
    throw new Error('écouteur en panne');
  }
}

describe('DomainEvents', () => {
  let context: INestApplicationContext;

  before(async () => {
    const module = await Test.createTestingModule({
      imports: [EventEmitterModule.forRoot()],
      providers: [DomainEvents, SlowListener, FailingListener],
    })
      .setLogger({ log() {}, error() {}, warn() {} })
      .compile();
    context = await module.createNestApplication().init();
  });
  after(async () => context.close());

  describe('publish', () => {
    it('waits for the listeners, and a failing one neither fails the publisher nor stops the others', async () => {
      await context.get(DomainEvents).publish('identity.account.enabled', {
        accountId: 'compte-1',
        occurredAt: new Date(),
        by: null,
      });
      assert.deepEqual(context.get(SlowListener).heard, ['compte-1']);
    });
  });
});
