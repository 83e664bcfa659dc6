import { Controller, Get, HttpCode, NotFoundException } from '@nestjs/common';
import { MemoryQueue } from 'acadle-webhooks';
import { Config } from './config';

/** For the recipe's test only, which runs the app as its own process: 404 unless `RECIPE_HANDLED_IDS_FILE` is set. */
@Controller('recipe-test')
export class RecipeTestController {
  constructor(
    private readonly config: Config,
    private readonly queue: MemoryQueue,
  ) {}

  /** Answers once the queue has nothing left to process. */
  @Get('idle')
  @HttpCode(204)
  async idle(): Promise<void> {
    if (!this.config.handledIdsFile) throw new NotFoundException();
    await this.queue.idle();
  }
}
