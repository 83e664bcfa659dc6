import { Module } from '@nestjs/common';
import { ConfigModule } from './config.module';
import { RecipeTestController } from './recipe-test.controller';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The application: the webhooks module beside the app's own modules. */
@Module({
  imports: [ConfigModule, WebhooksModule],
  controllers: [RecipeTestController],
})
export class AppModule {}
