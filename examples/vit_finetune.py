# Fine-tuning a timm ViT-Tiny with MMEngine's default constructor.
# paramwise: params=vit_tiny.params
_base_ = ['./_base_/adamw_schedule.py']

base_lr = 5e-4 * 2

optim_wrapper = dict(
    optimizer=dict(lr=base_lr),
    paramwise_cfg=dict(
        norm_decay_mult=0.0,
        custom_keys={
            '.cls_token': dict(decay_mult=0.0),
            'pos_embed': dict(decay_mult=0.0),
            'head': dict(lr_mult=10.0),
        }))
